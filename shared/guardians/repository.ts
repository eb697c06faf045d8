/**
 * Guardians' items and their one owner (keys in shared/storage/keys.ts):
 *
 *   guardianship      IDENTITY#<hmac> / GUARDIANS: every guardian link of a ward (the person), with
 *                     each guardian's controls; one item, so a change and the rules computed from
 *                     it are atomic. `rev` counts changes: copies on accounts and sessions carry it
 *                     and a copy never replaces a newer one. It also remembers, per guardian person,
 *                     when it first asked for this ward (who may confirm) and when the ward declined.
 *                     It outlives an erasure of the ward (until the ward turns 18).
 *   guardian's ward   GUARDIAN#<accountId> / WARD#<wardId>: the guardian's opaque ward id → person.
 *   look-up attempts  IDENTITY#<guardian's hmac> / LOOKUPS#<day>: a guardian person's failed look-ups.
 *   confirm attempts  IDENTITY#<ward's hmac> / CONFIRMS#<day>: a ward person's wrong codes.
 *   payment approval  IDENTITY#<hmac> / APPROVAL#<amount>#<orderId>: one payment a guardian decides.
 *
 * Changes of the guardianship item are conditional on the `rev` read (optimistic concurrency), so
 * two guardians changing controls at once cannot lose either change.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import type { GuardianshipCopy } from '#shared/accounts/repository';
import { adulthoodStarts } from '#shared/domain/age';
import { beijingMidnight } from '#shared/domain/beijingTime';
import type { GuardianControls } from '#shared/domain/guardianControls';
import type { ConsentRecord } from '#shared/domain/consent';
import { TransactionRefused, transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryPartition } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import {
  APPROVAL_PREFIX,
  approvalKey,
  confirmAttemptsKey,
  CONFIRMS_PREFIX,
  guardianPartition,
  guardianshipKey,
  identityHashOf,
  identityPartition,
  linkAttemptsKey,
  LOOKUPS_PREFIX,
  WARD_PREFIX,
  wardKey,
} from '#shared/storage/keys';

const Controls = z.object({
  playBanned: z.boolean(),
  windows: z.nullable(z.array(z.tuple([z.string(), z.string()]))),
  dailyPlayMinutes: z.nullable(z.number()),
  spending: z.object({ single: z.nullable(z.number()), daily: z.nullable(z.number()), monthly: z.nullable(z.number()) }),
  paymentApproval: z.boolean(),
});

const Link = z.object({
  wardId: z.string(),
  linkId: z.string(),
  status: z.enum(['pending', 'confirmed']),
  linkedAt: z.number(),
  /**
   * When the guardian's person first asked for this ward: only the ward's accounts bound before it
   * may confirm (docs/guardians.md "Trust model"). Links asked before it was kept use `linkedAt`.
   */
  askedAt: z.optional(z.number()),
  /** The guardian's person (its identity hash): a decline quiets that person, whichever account asks. */
  byPerson: z.optional(z.string()),
  confirmedAt: z.optional(z.number()),
  /** HMAC of the confirmation code (never the code) and when it stops being valid. */
  codeHash: z.optional(z.string()),
  codeExpiresAt: z.optional(z.number()),
  controls: Controls,
});
export type GuardianLink = z.infer<typeof Link> & { controls: GuardianControls };

/** Per guardian person (its identity hash): when it first asked for this ward, and when the ward last declined it. */
const Asked = z.object({ at: z.number(), declinedAt: z.optional(z.number()) });
export type AskedRecord = z.infer<typeof Asked>;
const Consent = z.object({ at: z.number(), how: z.enum(['attested', 'guardian']), policyVersion: z.string() });
const GuardianshipItem = z.object({
  rev: z.number(),
  links: z.record(z.string(), Link),
  asked: z.optional(z.record(z.string(), Asked)),
  birthDate: z.optional(z.string()),
  consent: z.optional(Consent),
});
/**
 * A ward's guardian links, by guardian account id; `asked` by guardian person; the ward's birth date
 * (the guardianship ends when the ward turns 18); a confirmed guardian's consent for the ward under
 * 14 (shared/domain/consent.ts), the latest one recorded.
 */
export type Guardianship = {
  identityHash: string;
  rev: number;
  links: Record<string, GuardianLink>;
  asked: Record<string, AskedRecord>;
  birthDate?: string | undefined;
  consent?: ConsentRecord | undefined;
};

/** The record of a stored guardianship item (the ward's hash read from the key). */
export function guardianshipFromItem(item: Record<string, unknown>): Guardianship {
  const { rev, links, asked, birthDate, consent } = z.parse(GuardianshipItem, item);
  return { identityHash: identityHashOf(item), rev, links, asked: asked ?? {}, ...(birthDate ? { birthDate } : {}), ...(consent ? { consent } : {}) };
}

/** Whether the ward's accounts carry a copy: it has links, or a guardian's consent that outlives them. */
export const worthCopying = (g: Pick<Guardianship, 'links' | 'consent'> | null | undefined): boolean =>
  !!g && (Object.keys(g.links).length > 0 || g.consent !== undefined);

/** When a pending link stops applying: its code's expiry (links without one never applied past it). */
export const pendingUntil = (link: Pick<GuardianLink, 'codeExpiresAt' | 'linkedAt'>): number => link.codeExpiresAt ?? link.linkedAt;

/** A link as its guardian and its ward see it: `expired` once a pending link's code has expired. */
export const linkStatus = (link: GuardianLink, nowMs: number): 'pending' | 'confirmed' | 'expired' =>
  link.status === 'confirmed' ? 'confirmed' : pendingUntil(link) > nowMs ? 'pending' : 'expired';

/**
 * The copy the ward's accounts and sessions carry: each guardian's controls, whether confirmed, and
 * until when a pending link applies (shared/domain/guardianControls.ts `rulesAt`).
 */
export function copyOf(g: Pick<Guardianship, 'rev' | 'links' | 'consent'>): GuardianshipCopy {
  return {
    rev: g.rev,
    ...(g.consent ? { consent: g.consent } : {}),
    guardians: Object.entries(g.links).map(([guardianId, l]) => ({
      guardianId,
      wardId: l.wardId,
      confirmed: l.status === 'confirmed',
      approves: l.controls.paymentApproval,
      ...(l.status === 'confirmed' ? {} : { until: pendingUntil(l) }),
      controls: l.controls,
    })),
  };
}

/** The guardianship ends when the ward turns 18: the item (and the guardians' ward items) expire then. */
const guardianshipExpiry = (birthDate: string | undefined): number | undefined =>
  birthDate ? ttlAttribute(beijingMidnight(adulthoodStarts(birthDate))) : undefined;

const WardItem = z.object({ wardId: z.string(), identityHash: z.string(), birthDate: z.string(), linkedAt: z.number() });
export type WardRef = z.infer<typeof WardItem>;

const ApprovalItem = z.object({
  approvalId: z.string(),
  identityHash: z.string(),
  accountId: z.string(),
  orderId: z.string(),
  amount: z.number(),
  gameId: z.string(),
  requestedAt: z.number(),
  expiresAtMs: z.number(),
  status: z.enum(['pending', 'approved', 'declined']),
  /** The guardians whose controls asked for approval when it was requested: they decide. */
  deciders: z.array(z.string()),
  decidedBy: z.optional(z.string()),
  decidedAt: z.optional(z.number()),
});
export type Approval = z.infer<typeof ApprovalItem>;
export const approvalFromItem = (item: Record<string, unknown>): Approval => z.parse(ApprovalItem, item);

export class GuardianshipChanged extends Error {
  constructor() {
    super('the guardianship changed meanwhile');
  }
}

export const MAX_LINK_FAILURES_PER_DAY = 5;

export class GuardianRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async guardianship(identityHash: string): Promise<Guardianship> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: guardianshipKey(identityHash), ConsistentRead: true }));
    return r.Item ? guardianshipFromItem(r.Item) : { identityHash, rev: 0, links: {}, asked: {} };
  }

  /**
   * Writes the ward's links as `next` (rev + 1) if nobody changed them since `seen` was read, with
   * the guardian's ward item put or deleted in the same transaction. Throws GuardianshipChanged
   * when `seen` is stale.
   */
  async save(
    seen: Guardianship,
    next: { links: Record<string, GuardianLink>; asked?: Record<string, AskedRecord>; birthDate?: string | undefined; consent?: ConsentRecord | undefined },
    ward?: { guardianId: string; put?: WardRef; remove?: string },
  ): Promise<Guardianship> {
    const rev = seen.rev + 1;
    const key = guardianshipKey(seen.identityHash);
    const asked = next.asked ?? seen.asked;
    const birthDate = next.birthDate ?? seen.birthDate;
    const consent = next.consent ?? seen.consent;
    const expiresAt = guardianshipExpiry(birthDate);
    // Kept even without links: `rev` must never go back, or a copy on an account would outrank the next change.
    const items: Array<[string, TransactItem]> = [
      [
        'guardianship',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...key,
              rev,
              links: next.links,
              asked,
              ...(birthDate ? { birthDate } : {}),
              ...(consent ? { consent } : {}),
              ...(expiresAt ? { expiresAt } : {}),
            },
            ConditionExpression: seen.rev === 0 ? 'attribute_not_exists(pk)' : 'rev = :seen',
            ...(seen.rev === 0 ? {} : { ExpressionAttributeValues: { ':seen': seen.rev } }),
          },
        },
      ],
    ];
    if (ward?.put)
      items.push([
        'ward',
        {
          Put: {
            TableName: this.table,
            Item: {
              ...wardKey(ward.guardianId, ward.put.wardId),
              ...ward.put,
              ...(guardianshipExpiry(ward.put.birthDate) ? { expiresAt: guardianshipExpiry(ward.put.birthDate) } : {}),
            },
          },
        },
      ]);
    if (ward?.remove) items.push(['ward', { Delete: { TableName: this.table, Key: wardKey(ward.guardianId, ward.remove) } }]);
    try {
      await transact(this.db, items);
    } catch (error) {
      if (error instanceof TransactionRefused && error.refused('guardianship')) throw new GuardianshipChanged();
      throw error;
    }
    return { identityHash: seen.identityHash, rev, links: next.links, asked, ...(birthDate ? { birthDate } : {}), ...(consent ? { consent } : {}) };
  }

  /** A guardianship without links goes (the ward's person was erased and no guardian is left). */
  async removeIfUnlinked(identityHash: string): Promise<void> {
    await whenConditionFails(
      this.db.send(
        new DeleteCommand({
          TableName: this.table,
          Key: guardianshipKey(identityHash),
          ConditionExpression: 'attribute_not_exists(pk) OR size(links) = :zero',
          ExpressionAttributeValues: { ':zero': 0 },
        }),
      ),
    );
  }

  async ward(guardianId: string, wardId: string): Promise<WardRef | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: wardKey(guardianId, wardId), ConsistentRead: true }));
    return r.Item ? z.parse(WardItem, r.Item) : null;
  }

  async wards(guardianId: string): Promise<WardRef[]> {
    return (await queryPartition(this.db, this.table, guardianPartition(guardianId), { skPrefix: WARD_PREFIX, consistent: true })).map((i) =>
      z.parse(WardItem, i),
    );
  }

  /** Several wards' guardianships in one round trip (at most 100). */
  async guardianships(identityHashes: string[]): Promise<Map<string, Guardianship>> {
    const unique = [...new Set(identityHashes)];
    const found = unique.length ? await batchGet(this.db, this.table, unique.map(guardianshipKey)) : [];
    const out = new Map<string, Guardianship>();
    for (const h of unique) out.set(h, { identityHash: h, rev: 0, links: {}, asked: {} });
    for (const item of found) {
      const g = guardianshipFromItem(item);
      out.set(g.identityHash, g);
    }
    return out;
  }

  /**
   * Counts an attempt to find a ward before it is made, refused once the day's failures reached
   * the limit; a success gives the attempt back. Atomic under concurrent attempts.
   */
  async takeLinkAttempt(guardianIdentityHash: string, day: string, nowMs: number): Promise<boolean> {
    return this.takeAttempt(linkAttemptsKey(guardianIdentityHash, day), nowMs);
  }

  async giveBackLinkAttempt(guardianIdentityHash: string, day: string): Promise<void> {
    await this.giveBack(linkAttemptsKey(guardianIdentityHash, day));
  }

  /** The same for a ward person's confirmation codes: five wrong codes a Beijing day, all its accounts together. */
  async takeConfirmAttempt(identityHash: string, day: string, nowMs: number): Promise<boolean> {
    return this.takeAttempt(confirmAttemptsKey(identityHash, day), nowMs);
  }

  async giveBackConfirmAttempt(identityHash: string, day: string): Promise<void> {
    await this.giveBack(confirmAttemptsKey(identityHash, day));
  }

  /** A person's attempt counters (look-ups as a guardian, codes as a ward): their Beijing days. */
  async attemptDays(identityHash: string): Promise<Array<{ kind: 'lookups' | 'confirms'; day: string }>> {
    const items = await queryPartition(this.db, this.table, identityPartition(identityHash), { consistent: true });
    return items.flatMap((i): Array<{ kind: 'lookups' | 'confirms'; day: string }> => {
      const sk = String(i.sk);
      if (sk.startsWith(LOOKUPS_PREFIX)) return [{ kind: 'lookups', day: sk.slice(LOOKUPS_PREFIX.length) }];
      if (sk.startsWith(CONFIRMS_PREFIX)) return [{ kind: 'confirms', day: sk.slice(CONFIRMS_PREFIX.length) }];
      return [];
    });
  }

  async deleteAttempts(identityHash: string, kind: 'lookups' | 'confirms', day: string): Promise<void> {
    await this.db.send(
      new DeleteCommand({ TableName: this.table, Key: kind === 'lookups' ? linkAttemptsKey(identityHash, day) : confirmAttemptsKey(identityHash, day) }),
    );
  }

  /** Erasure: a counter that must outlive the person until its day ends expires then (never later than it would). */
  async keepAttemptsUntil(identityHash: string, kind: 'lookups' | 'confirms', day: string, untilMs: number): Promise<void> {
    const exp = ttlAttribute(untilMs);
    const key = kind === 'lookups' ? linkAttemptsKey(identityHash, day) : confirmAttemptsKey(identityHash, day);
    await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'SET expiresAt = :exp',
          ConditionExpression: 'attribute_exists(pk) AND (attribute_not_exists(expiresAt) OR expiresAt > :exp)',
          ExpressionAttributeValues: { ':exp': exp },
        }),
      ),
    );
  }

  private async takeAttempt(key: { pk: string; sk: string }, nowMs: number): Promise<boolean> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: key,
          UpdateExpression: 'ADD failures :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ConditionExpression: 'attribute_not_exists(failures) OR failures < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_LINK_FAILURES_PER_DAY, ':exp': ttlAttribute(nowMs + RETENTION_MS.linkAttempts) },
        }),
      ),
    );
    return r.ok;
  }

  private async giveBack(key: { pk: string; sk: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({ TableName: this.table, Key: key, UpdateExpression: 'ADD failures :minus', ExpressionAttributeValues: { ':minus': -1 } }),
    );
  }

  // Payment approvals

  /**
   * The reservation's part: the order may go ahead only with an approval of this account's order
   * and amount that is approved and not expired (the approval comes back when it is not).
   */
  approvedPart(identityHash: string, accountId: string, orderId: string, amount: number, nowMs: number): TransactItem {
    return {
      ConditionCheck: {
        TableName: this.table,
        Key: approvalKey(identityHash, amount, orderId),
        ConditionExpression: '#st = :approved AND accountId = :acct AND expiresAtMs > :now',
        ExpressionAttributeNames: { '#st': 'status' },
        ExpressionAttributeValues: { ':approved': 'approved', ':acct': accountId, ':now': nowMs },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    };
  }

  /**
   * Opens an approval (replacing one that expired undecided or approved but unused), with the
   * transaction parts the caller adds (the notification). Returns the approval that stands: the new
   * one, or the one already open or decided.
   */
  async open(
    approval: Approval,
    also: Array<[string, TransactItem]> = [],
  ): Promise<{ opened: true; approval: Approval } | { opened: false; approval: Approval }> {
    const key = approvalKey(approval.identityHash, approval.amount, approval.orderId);
    try {
      await transact(this.db, [
        [
          'approval',
          {
            Put: {
              TableName: this.table,
              Item: { ...key, ...approval, expiresAt: ttlAttribute(approval.expiresAtMs + RETENTION_MS.paymentApproval) },
              ConditionExpression: 'attribute_not_exists(pk) OR (expiresAtMs <= :now AND #st <> :declined)',
              ExpressionAttributeNames: { '#st': 'status' },
              ExpressionAttributeValues: { ':now': approval.requestedAt, ':declined': 'declined' },
              ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
            },
          },
        ],
        ...also,
      ]);
      return { opened: true, approval };
    } catch (error) {
      if (error instanceof TransactionRefused && error.refused('approval'))
        return { opened: false, approval: approvalFromItem(error.itemOf('approval') ?? {}) };
      throw error;
    }
  }

  /** A ward's approvals, oldest requests first. */
  async approvals(identityHash: string): Promise<Approval[]> {
    return (await queryPartition(this.db, this.table, identityPartition(identityHash), { skPrefix: APPROVAL_PREFIX, consistent: true }))
      .map(approvalFromItem)
      .sort((a, b) => a.requestedAt - b.requestedAt);
  }

  /** Records a guardian's decision once: only while pending and not expired, and only by a decider. */
  async decide(a: Approval, guardianId: string, approved: boolean, nowMs: number): Promise<{ ok: true } | { ok: false; approval: Approval | null }> {
    const r = await whenConditionFails(
      this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: approvalKey(a.identityHash, a.amount, a.orderId),
          UpdateExpression: 'SET #st = :decision, decidedBy = :g, decidedAt = :now',
          ConditionExpression: '#st = :pending AND approvalId = :id AND expiresAtMs > :now',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: {
            ':decision': approved ? 'approved' : 'declined',
            ':g': guardianId,
            ':now': nowMs,
            ':pending': 'pending',
            ':id': a.approvalId,
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      ),
    );
    return r.ok ? { ok: true } : { ok: false, approval: r.refused ? approvalFromItem(r.refused) : null };
  }

  /** Queues webhook events (their parts, shared/notifications/outbox.ts) in one transaction. */
  async notify(parts: ReadonlyArray<readonly [string, TransactItem]>): Promise<void> {
    for (let i = 0; i < parts.length; i += 100) await transact(this.db, parts.slice(i, i + 100));
  }

  /** Erasure of a ward: its approvals go (those of one account, or all of them). */
  async deleteApprovals(identityHash: string, accountId?: string): Promise<void> {
    for (const a of await this.approvals(identityHash)) {
      if (accountId === undefined || a.accountId === accountId)
        await this.db.send(new DeleteCommand({ TableName: this.table, Key: approvalKey(identityHash, a.amount, a.orderId) }));
    }
  }
}
