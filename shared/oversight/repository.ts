/**
 * The operator access log (`ACCESSLOG#<Beijing day>` / `<ms>#<random>`, shared/storage/keys.ts) and
 * its one owner. Every operator request that returns personal data writes one entry before the data
 * is read (shared/usecases/oversight.ts): who, when, what, which account, why. Entries are only ever
 * created (a condition refuses overwriting one) and there is no update or delete here: nothing in
 * the API can change or remove them (2019 Children's Personal Information Regulations Art. 15; 2024
 * Regulations Art. 36). They expire three years and a day after the access: records of
 * personal-information processing are kept at least three years (PIPL Art. 56).
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import * as z from '#shared/zod';
import { OPERATOR_RANGE_DAYS } from '#shared/api/schemas';
import { beijingDate, daysFrom } from '#shared/domain/beijingTime';
import { queryPartition } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { accessLogKey, accessLogPartition } from '#shared/storage/keys';
import { RETENTION_MS } from '#shared/storage/retention';

export interface AccessLogEntry {
  /** The operator's `sub`. */
  operator: string;
  at: number;
  /** The operation that returned personal data (its operation id). */
  action: string;
  accountId: string;
  reason: string;
  /** The register entry the access concerns (a complaint, a refund request), when it is one. */
  subject?: string | undefined;
}

const EntryItem = z.object({
  operator: z.string(),
  at: z.number(),
  action: z.string(),
  accountId: z.string(),
  reason: z.string(),
  subject: z.optional(z.string()),
});

export class AccessLogRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Writes one entry; resolves only once it is stored (no entry, no data). */
  async record(entry: AccessLogEntry): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.table,
        Item: {
          ...accessLogKey(beijingDate(entry.at), entry.at, randomBytes(4).toString('hex')),
          ...Object.fromEntries(Object.entries(entry).filter(([, v]) => v !== undefined)),
          expiresAt: ttlAttribute(entry.at + RETENTION_MS.accessLogEntry),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  /**
   * Entries of the Beijing days `from` … `to` (inclusive), oldest first: one query a day, so at most
   * the days an operator may ask for at once (a longer or invalid range is a RangeError, never a
   * loop to year 9999).
   */
  async between(from: string, to: string): Promise<AccessLogEntry[]> {
    const out: AccessLogEntry[] = [];
    for (const day of daysFrom(from, to, OPERATOR_RANGE_DAYS)) {
      for (const item of await queryPartition(this.db, this.table, accessLogPartition(day))) out.push(z.parse(EntryItem, item));
    }
    return out;
  }
}
