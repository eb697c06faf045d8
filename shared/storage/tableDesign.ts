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
  /** The change stream the stats aggregator counts the operators' figures from (shared/stats/service.ts). */
  streamViewType: 'NEW_AND_OLD_IMAGES',
  /**
   * gsi1: a sparse index for work queues (pending identity checks, the NPPA outbox, sweeps), all
   * attributes. gsi2: an account's sessions and orders (export, erasure, the operator view), keys
   * only, so that heartbeats and state changes, which never touch its keys, write nothing to it.
   */
  indexes: [
    { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk', projection: 'ALL' },
    { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk', projection: 'KEYS_ONLY' },
  ],
} as const;
