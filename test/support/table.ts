/** Integration helpers: a fresh table on the run's DynamoDB Local, and a clock tests can move. */
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '#infra/local/dynamoLocal';
import { AccountRepository } from '#shared/accounts/repository';
import { RegisterRepository } from '#shared/complaints/repository';
import { GuardianRepository } from '#shared/guardians/repository';
import { IdentityRepository } from '#shared/identity/repository';
import { OutboxRepository } from '#shared/reporting/outbox';
import { RiskRepository } from '#shared/risk/repository';
import { SessionRepository } from '#shared/sessions/repository';
import { SpendingRepository } from '#shared/spending/repository';
import { createDocumentClient } from '#shared/storage/dynamo';

export async function freshTable() {
  const endpoint = inject('dynamoEndpoint');
  const table = `t-${randomUUID()}`;
  await ensureTable(endpoint, table);
  return { db: createDocumentClient({ endpoint, region: 'local' }), table };
}

/** The repositories of one table, each given the owners it composes transactions with (as shared/services.ts does). */
export function repositories(db: DynamoDBDocumentClient, table: string) {
  const accounts = new AccountRepository(db, table);
  const outbox = new OutboxRepository(db, table);
  return {
    accounts,
    outbox,
    identities: new IdentityRepository(db, table, { accounts }),
    sessions: new SessionRepository(db, table, { accounts, outbox }),
    spending: new SpendingRepository(db, table),
    risk: new RiskRepository(db, table, { accounts }),
    guardians: new GuardianRepository(db, table),
    register: new RegisterRepository(db, table),
  };
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
