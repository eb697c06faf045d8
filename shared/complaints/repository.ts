/**
 * The requests register (`REGISTER#<Beijing day>` / `<time>#<complaintId>`, shared/storage/keys.ts)
 * and its one owner: complaints, personal-information requests and refund requests, each one entry
 * (shared/domain/complaints.ts).
 *
 * An entry is found three ways, each written with the entry itself (no extra request): by its id,
 * which carries the instant its key sorts by; by the day it was received (the operators' list reads
 * a range of days, one partition each); by the account that filed it (`gsi2`, the player's list).
 * While open it also sits in `gsi1` under `REGISTER_OPEN` by due date, so the overdue ones are the
 * front of one partition (the ComplaintsOverdue metric). An answer is conditioned on the entry
 * still being open: it is answered once.
 *
 * The texts are personal data: they go when the account that filed the entry is erased
 * (`eraseAccount`), while the entry keeps its kind, category, dates and outcome for its three years
 * (shared/storage/retention.ts).
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { OPERATOR_RANGE_DAYS } from '#shared/api/schemas';
import { daysFrom } from '#shared/domain/beijingTime';
import { COMPLAINT_CATEGORIES, REGISTER_KINDS, type ComplaintCategory, type RegisterKind, type RegisterOutcome } from '#shared/domain/complaints';
import type { PaymentEvidence } from '#shared/domain/paymentEvidence';
import { TransactionRefused, transact, whenConditionFails, type TransactItem } from '#shared/storage/conditions';
import { batchGet, queryPartition } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import {
  ACCOUNT_INDEX,
  ACCOUNT_INDEX_REGISTER,
  accountIndexPartition,
  accountRegisterIndex,
  openRegisterIndex,
  REGISTER_OPEN,
  registerKeyOf,
  registerPartition,
  sortableTime,
  WORK_QUEUE_INDEX,
  type Key,
} from '#shared/storage/keys';
import { RETENTION_MS } from '#shared/storage/retention';

/** A refund request's payment as it stood when the guardian asked, with the evidence sealed at its commit. */
export interface RefundFacts {
  /** The guardian's opaque id of the ward (shared/guardians). */
  wardId: string;
  order: { amount: number; gameId: string; status: string; reservedAt: number; committedAt: number | null };
  evidence: PaymentEvidence | null;
  /** The operators' decision (`outcome` says it too: resolved = approved). */
  approved?: boolean | undefined;
}

export interface RegisterEntry {
  complaintId: string;
  /** The account that filed it: the player, or the guardian for a refund request and a guardian's request about a ward. */
  accountId: string;
  kind: RegisterKind;
  category: ComplaintCategory;
  gameId?: string | undefined;
  orderId?: string | undefined;
  /** The complaint's text, a refund request's reason (personal data: erased with the account). */
  text?: string | undefined;
  receivedAt: number;
  dueAt: number;
  status: 'open' | 'answered';
  answeredAt?: number | undefined;
  outcome?: RegisterOutcome | undefined;
  /** The answer the player reads; a refusal's reasons are always in it. */
  answer?: string | undefined;
  /** The operator (`sub`) who answered, or `gateway` for a request answered as it was made, `erasure` for one withdrawn by an erasure. */
  answeredBy?: string | undefined;
  refund?: RefundFacts | undefined;
  /** When the account that filed it was erased (its texts went then). */
  erasedAt?: number | undefined;
}

const Evidence = z.custom<PaymentEvidence>((v) => v !== null && typeof v === 'object');
const EntryItem = z.object({
  complaintId: z.string(),
  accountId: z.string(),
  kind: z.enum(REGISTER_KINDS),
  category: z.enum(COMPLAINT_CATEGORIES),
  gameId: z.optional(z.string()),
  orderId: z.optional(z.string()),
  text: z.optional(z.string()),
  receivedAt: z.number(),
  dueAt: z.number(),
  status: z.enum(['open', 'answered']),
  answeredAt: z.optional(z.number()),
  outcome: z.optional(z.enum(['resolved', 'refused', 'withdrawn'])),
  answer: z.optional(z.string()),
  answeredBy: z.optional(z.string()),
  refund: z.optional(
    z.object({
      wardId: z.string(),
      order: z.object({ amount: z.number(), gameId: z.string(), status: z.string(), reservedAt: z.number(), committedAt: z.nullable(z.number()) }),
      evidence: z.nullable(Evidence),
      approved: z.optional(z.boolean()),
    }),
  ),
  erasedAt: z.optional(z.number()),
});

/** The record of a stored register entry (storage attributes dropped). */
export const entryFromItem = (item: Record<string, unknown>): RegisterEntry => z.parse(EntryItem, item);

/** What an answer writes. */
export interface Answer {
  outcome: RegisterOutcome;
  answer: string;
  at: number;
  by: string;
  /** A refund request's decision. */
  approved?: boolean;
}

/** Fields an entry keeps once its account is erased: nothing that says what it was about. */
const ERASED_FIELDS = ['#text', 'answer', 'orderId', 'refund'] as const;

export class RegisterRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  private keyOf(complaintId: string): Key | null {
    return registerKeyOf(complaintId);
  }

  private item(entry: RegisterEntry, listed: boolean): Record<string, unknown> {
    const key = this.keyOf(entry.complaintId);
    if (!key) throw new Error('not a register id');
    return {
      ...key,
      ...Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)),
      ...(entry.status === 'open'
        ? openRegisterIndex(entry.dueAt, entry.complaintId)
        : { expiresAt: ttlAttribute((entry.answeredAt ?? entry.receivedAt) + RETENTION_MS.registerEntry) }),
      ...(listed ? accountRegisterIndex(entry.accountId, entry.receivedAt, entry.complaintId) : {}),
    };
  }

  /**
   * Files an entry only if its id is new, with `also` in the same transaction (a refund request
   * marks its order). `listed`: the filing account finds it in its list (GET /v1/me/complaints).
   * Returns the entry that stands: this one, or the one already filed under that id.
   */
  async file(
    entry: RegisterEntry,
    options: { also?: Array<[string, TransactItem]>; listed?: boolean } = {},
  ): Promise<{ filed: true } | { filed: false; refusedBy: string; existing: RegisterEntry | null }> {
    const put = {
      TableName: this.table,
      Item: this.item(entry, options.listed !== false),
      ConditionExpression: 'attribute_not_exists(pk)',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    if (!options.also?.length) {
      const r = await whenConditionFails(this.db.send(new PutCommand(put)));
      return r.ok ? { filed: true } : { filed: false, refusedBy: 'entry', existing: r.refused ? entryFromItem(r.refused) : null };
    }
    try {
      await transact(this.db, [['entry', { Put: put }], ...options.also]);
      return { filed: true };
    } catch (error) {
      if (!(error instanceof TransactionRefused)) throw error;
      const name = error.refused('entry') ? 'entry' : [...error.failed.keys()][0]!;
      const old = error.itemOf('entry');
      return { filed: false, refusedBy: name, existing: old ? entryFromItem(old) : null };
    }
  }

  async get(complaintId: string): Promise<RegisterEntry | null> {
    const key = this.keyOf(complaintId);
    if (!key) return null;
    const r = await this.db.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return r.Item ? entryFromItem(r.Item) : null;
  }

  /**
   * Answers an open entry of one of `kinds`, once, with `also` in the same transaction (a refund's
   * webhook event). Returns the entry as it was when the answer was refused (answered already, of
   * another kind), or null when there is none.
   */
  async answer(
    complaintId: string,
    kinds: readonly RegisterKind[],
    a: Answer,
    also: Array<[string, TransactItem]> = [],
  ): Promise<{ ok: true } | { ok: false; entry: RegisterEntry | null }> {
    const key = this.keyOf(complaintId);
    if (!key) return { ok: false, entry: null };
    const kindValues = Object.fromEntries(kinds.map((k, i) => [`:k${i}`, k]));
    const update = {
      TableName: this.table,
      Key: key,
      UpdateExpression:
        `SET #status = :answered, outcome = :outcome, answer = :answer, answeredAt = :at, answeredBy = :by, ` +
        `expiresAt = :exp${a.approved === undefined ? '' : ', refund.approved = :approved'} REMOVE gsi1pk, gsi1sk`,
      ConditionExpression: `attribute_exists(pk) AND #status = :open AND #kind IN (${Object.keys(kindValues).join(', ')})`,
      ExpressionAttributeNames: { '#status': 'status', '#kind': 'kind' },
      ExpressionAttributeValues: {
        ':answered': 'answered',
        ':open': 'open',
        ':outcome': a.outcome,
        ':answer': a.answer,
        ':at': a.at,
        ':by': a.by,
        ':exp': ttlAttribute(a.at + RETENTION_MS.registerEntry),
        ...kindValues,
        ...(a.approved === undefined ? {} : { ':approved': a.approved }),
      },
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    };
    if (!also.length) {
      const r = await whenConditionFails(this.db.send(new UpdateCommand(update)));
      return r.ok ? { ok: true } : { ok: false, entry: r.refused ? entryFromItem(r.refused) : null };
    }
    try {
      await transact(this.db, [['entry', { Update: update }], ...also]);
      return { ok: true };
    } catch (error) {
      if (!(error instanceof TransactionRefused) || !error.refused('entry')) throw error;
      const old = error.itemOf('entry');
      return { ok: false, entry: old ? entryFromItem(old) : null };
    }
  }

  /** The entries an account filed (through `gsi2`), newest first, at most `limit`. */
  async ofAccount(accountId: string, limit = 200): Promise<RegisterEntry[]> {
    const refs = await queryPartition(this.db, this.table, accountIndexPartition(accountId), {
      skPrefix: ACCOUNT_INDEX_REGISTER,
      index: ACCOUNT_INDEX,
      limit,
      newestFirst: true,
    });
    const items = await batchGet(
      this.db,
      this.table,
      refs.map((r) => ({ pk: String(r.pk), sk: String(r.sk) })),
    );
    return items.map(entryFromItem).filter((e) => e.accountId === accountId);
  }

  /**
   * Entries received on the Beijing days `from` … `to` (inclusive), oldest first: one query a day,
   * so at most the days an operator may ask for at once (a longer or invalid range is a RangeError).
   */
  async between(from: string, to: string): Promise<RegisterEntry[]> {
    const out: RegisterEntry[] = [];
    for (const day of daysFrom(from, to, OPERATOR_RANGE_DAYS)) {
      for (const item of await queryPartition(this.db, this.table, registerPartition(day))) out.push(entryFromItem(item));
    }
    return out;
  }

  /**
   * How many open entries are past their due date: the front of the open queue, counted a page
   * (up to 1 MB of index keys) at a time until it is done or `outOfTime`; `complete` says which.
   */
  async countOverdue(nowMs: number, outOfTime: () => boolean = () => false): Promise<{ overdue: number; complete: boolean }> {
    let overdue = 0;
    let after: Record<string, unknown> | undefined;
    do {
      const r = await this.db.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: WORK_QUEUE_INDEX.indexName,
          KeyConditionExpression: '#pk = :q AND #sk < :now',
          ExpressionAttributeNames: { '#pk': WORK_QUEUE_INDEX.partitionKey, '#sk': WORK_QUEUE_INDEX.sortKey },
          ExpressionAttributeValues: { ':q': REGISTER_OPEN, ':now': `${sortableTime(nowMs)}#` },
          Select: 'COUNT',
          ...(after ? { ExclusiveStartKey: after } : {}),
        }),
      );
      overdue += r.Count ?? 0;
      after = r.LastEvaluatedKey;
      if (after && outOfTime()) return { overdue, complete: false };
    } while (after);
    return { overdue, complete: true };
  }

  /**
   * The erasure of the account that filed entries (DELETE /v1/me, a guardian's erasure of a ward):
   * every one keeps its kind, category, game, dates and outcome, and loses its texts, its order, its
   * evidence and its place in the account's list; one still open is withdrawn (nobody is left to
   * answer; it starts its three years). Returns how many entries remain and when the last expires.
   */
  async eraseAccount(accountId: string, nowMs: number): Promise<{ kept: number; until: number | null }> {
    let until: number | null = null;
    const entries = await this.ofAccount(accountId, 10_000);
    for (const e of entries) {
      const key = this.keyOf(e.complaintId)!;
      const names: Record<string, string> = { '#text': 'text', '#status': 'status' };
      const scrub = `REMOVE ${ERASED_FIELDS.join(', ')}, gsi2pk, gsi2sk`;
      const withdrawn = await whenConditionFails(
        this.db.send(
          new UpdateCommand({
            TableName: this.table,
            Key: key,
            UpdateExpression:
              `SET erasedAt = :now, #status = :answered, outcome = :withdrawn, answeredAt = :now, answeredBy = ` +
              `:by, expiresAt = :exp ${scrub}, gsi1pk, gsi1sk`,
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: {
              ':now': nowMs,
              ':answered': 'answered',
              ':withdrawn': 'withdrawn',
              ':by': 'erasure',
              ':exp': ttlAttribute(nowMs + RETENTION_MS.registerEntry),
              ':open': 'open',
            },
          }),
        ),
      );
      const answeredAt = withdrawn.ok ? nowMs : (e.answeredAt ?? nowMs);
      // Answered already (or answered meanwhile): its outcome stands; only the texts go.
      if (!withdrawn.ok) {
        await whenConditionFails(
          this.db.send(
            new UpdateCommand({
              TableName: this.table,
              Key: key,
              UpdateExpression: `SET erasedAt = :now ${scrub}`,
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeNames: { '#text': 'text' },
              ExpressionAttributeValues: { ':now': nowMs },
            }),
          ),
        );
      }
      until = Math.max(until ?? 0, answeredAt + RETENTION_MS.registerEntry);
    }
    return { kept: entries.length, until };
  }
}
