/**
 * The single table's shape, read by the CDK stack (TableV2) and by the local runner
 * (CreateTable against DynamoDB Local), so both have the same keys, index and TTL.
 * Key formats themselves belong to the repositories.
 */
export const tableDesign = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** TTL attribute (epoch seconds): every item that should expire carries it. */
  timeToLiveAttribute: 'expiresAt',
  /** A sparse index for work queues (pending identity checks, the NPPA outbox, sweeps). */
  indexes: [{ indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
} as const;
