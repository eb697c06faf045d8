/** Integration helpers: a fresh table on the run's DynamoDB Local, and a clock tests can move. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureTable } from '#infra/local/dynamoLocal';
import { createDocumentClient } from '#shared/storage/dynamo';

export async function freshTable() {
  const endpoint = inject('dynamoEndpoint');
  const table = `t-${randomUUID()}`;
  await ensureTable(endpoint, table);
  return { db: createDocumentClient({ endpoint, region: 'local' }), table };
}

/** Virtual time that advances in real time from `iso`, and can jump. */
export function movableClock(iso: string) {
  let offset = Date.parse(iso) - Date.now();
  return {
    now: () => Date.now() + offset,
    set: (to: string) => {
      offset = Date.parse(to) - Date.now();
    },
    advance: (ms: number) => {
      offset += ms;
    },
  };
}
