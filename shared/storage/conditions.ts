/**
 * Condition failures, read by name. A single-item write refused by its condition is a domain
 * answer (the lease is taken, the order exists), not an error: `whenConditionFails` turns it into
 * a value. A transaction is sent with a name for each item, and a refused one throws
 * `TransactionRefused` naming the items whose conditions failed, with the item as it was when the
 * repository asked for it (ReturnValuesOnConditionCheckFailure) — never a position in a list.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const isConditionFailure = (error: unknown): error is ConditionalCheckFailedException => error instanceof ConditionalCheckFailedException;

/**
 * Runs a single-item write; a refused condition resolves to `{ refused }` with the item as it was
 * (when the write asked for it), anything else rejects as before.
 */
export async function whenConditionFails<T>(write: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; refused: Record<string, unknown> | undefined }> {
  try {
    return { ok: true, value: await write };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return { ok: false, refused: error.Item ? unmarshall(error.Item) : undefined };
  }
}

export class TransactionRefused extends Error {
  constructor(readonly failed: ReadonlyMap<string, Record<string, unknown> | undefined>) {
    super(`transaction refused by the conditions of: ${[...failed.keys()].join(', ')}`);
    this.name = 'TransactionRefused';
  }

  /** Whether the condition of the item called `name` failed. */
  refused(name: string): boolean {
    return this.failed.has(name);
  }

  /** The item called `name` as it was, when its condition failed and the write asked for it. */
  itemOf(name: string): Record<string, unknown> | undefined {
    return this.failed.get(name);
  }
}

/**
 * Sends the named items as one transaction. Throws TransactionRefused when any condition failed;
 * other cancellations (throttling, validation) and errors pass through unchanged.
 */
export async function transact(db: DynamoDBDocumentClient, items: ReadonlyArray<readonly [name: string, item: TransactItem]>): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items.map(([, item]) => item) }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const failed = new Map<string, Record<string, unknown> | undefined>();
    (error.CancellationReasons ?? []).forEach((reason, i) => {
      if (reason.Code === 'ConditionalCheckFailed') failed.set(items[i]![0], reason.Item ? unmarshall(reason.Item) : undefined);
    });
    if (failed.size === 0) throw error;
    throw new TransactionRefused(failed);
  }
}
