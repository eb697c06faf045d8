/**
 * Guardians' items and their one owner (keys in shared/storage/keys.ts):
 *
 *   guardianship      IDENTITY#<hmac> / GUARDIANS: every guardian link of a ward (the person), with
 *                     each guardian's controls; one item, so a change and the rules computed from
 *                     it are atomic. `rev` counts changes: copies on accounts and sessions carry it
 *                     and a copy never replaces a newer one.
 *   guardian's ward   GUARDIAN#<accountId> / WARD#<wardId>: the guardian's opaque ward id → person.
 *   link attempts     GUARDIAN#<accountId> / ATTEMPTS#<day>: failed look-ups (five a Beijing day).
 *   payment approval  IDENTITY#<hmac> / APPROVAL#<amount>#<orderId>: one payment a guardian decides.
 *
 * Changes of the guardianship item are conditional on the `rev` read (optimistic concurrency), so
 * two guardians changing controls at once cannot lose either change.
 */
import { DeleteCommand, GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from '#shared/zod';
import type { GuardianControls } from '#shared/domain/guardianControls';
import { isConditionFailure, TransactionRefused, transact, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryPartition } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import { APPROVAL_PREFIX, approvalKey, guardianPartition, guardianshipKey, identityPartition, linkAttemptsKey, WARD_PREFIX, wardKey } from '#shared/storage/keys';

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
  confirmedAt: z.optional(z.number()),
  /** HMAC of the confirmation code (never the code) and when it stops being valid. */
  codeHash: z.optional(z.string()),
  codeExpiresAt: z.optional(z.number()),
  controls: Controls,
});
export type GuardianLink = z.infer<typeof Link> & { controls: GuardianControls };

const GuardianshipItem = z.object({ rev: z.number(), links: z.record(z.string(), Link) });
/** A ward's guardian links, by guardian account id. */
export type Guardianship = { identityHash: string; rev: number; links: Record<string, GuardianLink> };

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
    if (!r.Item) return { identityHash, rev: 0, links: {} };
    const { rev, links } = z.parse(GuardianshipItem, r.Item);
    return { identityHash, rev, links };
  }

  /**
   * Writes the ward's links as `next` (rev + 1) if nobody changed them since `seen` was read, with
   * the guardian's ward item put or deleted in the same transaction. Throws GuardianshipChanged
   * when `seen` is stale.
   */
  async save(seen: Guardianship, next: Record<string, GuardianLink>, ward?: { guardianId: string; put?: WardRef; remove?: string }): Promise<Guardianship> {
    const rev = seen.rev + 1;
    const key = guardianshipKey(seen.identityHash);
    // Kept even without links: `rev` must never go back, or a copy on an account would outrank the next change.
    const items: Array<[string, TransactItem]> = [
      [
        'guardianship',
        {
          Put: {
            TableName: this.table,
            Item: { ...key, rev, links: next },
            ConditionExpression: seen.rev === 0 ? 'attribute_not_exists(pk)' : 'rev = :seen',
            ...(seen.rev === 0 ? {} : { ExpressionAttributeValues: { ':seen': seen.rev } }),
          },
        },
      ],
    ];
    if (ward?.put) items.push(['ward', { Put: { TableName: this.table, Item: { ...wardKey(ward.guardianId, ward.put.wardId), ...ward.put } } }]);
    if (ward?.remove) items.push(['ward', { Delete: { TableName: this.table, Key: wardKey(ward.guardianId, ward.remove) } }]);
    try {
      await transact(this.db, items);
    } catch (error) {
      if (error instanceof TransactionRefused && error.refused('guardianship')) throw new GuardianshipChanged();
      throw error;
    }
    return { identityHash: seen.identityHash, rev, links: next };
  }

  /** Removes every link of a ward (erasure of the ward's data): the guardians' ward items too. */
  async removeAll(identityHash: string): Promise<void> {
    const current = await this.guardianship(identityHash);
    for (const [guardianId, link] of Object.entries(current.links)) {
      await this.db.send(new DeleteCommand({ TableName: this.table, Key: wardKey(guardianId, link.wardId) }));
    }
    await this.db.send(new DeleteCommand({ TableName: this.table, Key: guardianshipKey(identityHash) }));
  }

  async ward(guardianId: string, wardId: string): Promise<WardRef | null> {
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: wardKey(guardianId, wardId), ConsistentRead: true }));
    return r.Item ? z.parse(WardItem, r.Item) : null;
  }

  async wards(guardianId: string): Promise<WardRef[]> {
    return (await queryPartition(this.db, this.table, guardianPartition(guardianId), { skPrefix: WARD_PREFIX, consistent: true })).map((i) => z.parse(WardItem, i));
  }

  /** Several wards' guardianships in one round trip (at most 100). */
  async guardianships(identityHashes: string[]): Promise<Map<string, Guardianship>> {
    const unique = [...new Set(identityHashes)];
    const found = unique.length ? await batchGet(this.db, this.table, unique.map(guardianshipKey)) : [];
    const out = new Map<string, Guardianship>();
    for (const h of unique) out.set(h, { identityHash: h, rev: 0, links: {} });
    for (const item of found) {
      const h = String(item.pk).slice(identityPartition('').length);
      const { rev, links } = z.parse(GuardianshipItem, item);
      out.set(h, { identityHash: h, rev, links });
    }
    return out;
  }

  /**
   * Counts an attempt to find a ward before it is made, refused once the day's failures reached
   * the limit; a success gives the attempt back. Atomic under concurrent attempts.
   */
  async takeLinkAttempt(guardianId: string, day: string, nowMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: linkAttemptsKey(guardianId, day),
          UpdateExpression: 'ADD failures :one SET expiresAt = if_not_exists(expiresAt, :exp)',
          ConditionExpression: 'attribute_not_exists(failures) OR failures < :max',
          ExpressionAttributeValues: { ':one': 1, ':max': MAX_LINK_FAILURES_PER_DAY, ':exp': ttlAttribute(nowMs + RETENTION_MS.linkAttempts) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async giveBackLinkAttempt(guardianId: string, day: string): Promise<void> {
    await this.db.send(new UpdateCommand({ TableName: this.table, Key: linkAttemptsKey(guardianId, day), UpdateExpression: 'ADD failures :minus', ExpressionAttributeValues: { ':minus': -1 } }));
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
  async open(approval: Approval, also: Array<[string, TransactItem]> = []): Promise<{ opened: true; approval: Approval } | { opened: false; approval: Approval }> {
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
      if (error instanceof TransactionRefused && error.refused('approval')) return { opened: false, approval: approvalFromItem(error.itemOf('approval') ?? {}) };
      throw error;
    }
  }

  /** A ward's approvals, oldest requests first. */
  async approvals(identityHash: string): Promise<Approval[]> {
    return (await queryPartition(this.db, this.table, identityPartition(identityHash), { skPrefix: APPROVAL_PREFIX, consistent: true })).map(approvalFromItem).sort((a, b) => a.requestedAt - b.requestedAt);
  }

  /** Records a guardian's decision once: only while pending and not expired, and only by a decider. */
  async decide(a: Approval, guardianId: string, approved: boolean, nowMs: number): Promise<{ ok: true } | { ok: false; approval: Approval | null }> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.table,
          Key: approvalKey(a.identityHash, a.amount, a.orderId),
          UpdateExpression: 'SET #st = :decision, decidedBy = :g, decidedAt = :now',
          ConditionExpression: '#st = :pending AND approvalId = :id AND expiresAtMs > :now',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':decision': approved ? 'approved' : 'declined', ':g': guardianId, ':now': nowMs, ':pending': 'pending', ':id': a.approvalId },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { ok: true };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return { ok: false, approval: error.Item ? approvalFromItem(unmarshall(error.Item)) : null };
    }
  }

  /** Erasure of a ward: its approvals go. */
  async deleteApprovals(identityHash: string): Promise<void> {
    for (const a of await this.approvals(identityHash)) await this.db.send(new DeleteCommand({ TableName: this.table, Key: approvalKey(identityHash, a.amount, a.orderId) }));
  }
}
