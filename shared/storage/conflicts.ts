/**
 * Transaction conflicts, told apart without the AWS SDK (the HTTP edge maps an exhausted conflict
 * to a problem document and must not pull the DynamoDB client into functions that never use it).
 */

/**
 * A transaction cancelled because another transaction was changing one of its items at the same
 * time (two requests of one person touching the same ledger or lease), and for no other reason.
 * Nothing was written, so it can be sent again as is. A cancellation that includes a failed
 * condition is a domain answer the repositories read, and is never treated as a conflict.
 */
export function isTransactionConflict(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
  return (
    reasons.some((r) => r.Code === 'TransactionConflict') && reasons.every((r) => r.Code === 'TransactionConflict' || r.Code === 'None' || r.Code === undefined)
  );
}

/** Jittered, growing back-off: 20 ms to min(200, 50·2^attempt) ms. */
export function conflictBackoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(200, 50 * 2 ** attempt);
  return 20 + Math.floor(random() * (ceiling - 20));
}
