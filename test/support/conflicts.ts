/**
 * Transaction conflicts on demand. DynamoDB Local serializes transactions, so it never cancels one
 * with `TransactionConflict`; this middleware throws the SDK's own exception in its place, below
 * the client's conflict retry (and below the SDK's retries), before anything is sent.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export const CONFLICT = ['None', 'TransactionConflict'];

export function cancellation(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(', ')}]`,
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: codes.map((Code) => ({ Code, ...(Code === 'None' ? {} : { Message: Code }) })),
  });
}

/**
 * Every `command` call reaching the wire is counted in `calls`; the first `failures` of them are
 * cancelled with `codes` instead of being sent. `remove()` takes the middleware out again.
 */
export function injectCancellations(db: DynamoDBDocumentClient, options: { failures: number; codes?: string[]; command?: string }) {
  const name = `injectCancellations-${randomUUID()}`;
  const command = options.command ?? 'TransactWriteItemsCommand';
  const state = { calls: 0, remove: () => void db.middlewareStack.remove(name) };
  db.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== command) return next(args);
      state.calls += 1;
      if (state.calls <= options.failures) throw cancellation(options.codes ?? CONFLICT);
      return next(args);
    },
    { step: 'finalizeRequest', priority: 'low', name },
  );
  return state;
}
