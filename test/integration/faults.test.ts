/**
 * Faults: DynamoDB throttling and lost responses injected through an SDK middleware
 * are retried without counting anything twice; the national system slow, down, rate-limiting or
 * answering garbage leads to the degraded identity path, never a 500.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { createDocumentClient } from '#shared/storage/dynamo';
import { SpendingRepository, type Order } from '#shared/spending/repository';
import type { LocalGateway } from '#infra/local/gateway';
import { client, startTestGateway } from '#test/support/gateway';
import { freshTable } from '#test/support/table';
import { consentStatus, person } from '#test/support/people';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

/** A client whose requests fail as told: throttled before reaching DynamoDB, or lost after it answered. */
function faultyClient(plan: (attempt: number) => 'ok' | 'throttle' | 'lose-response'): DynamoDBDocumentClient {
  const db = createDocumentClient({ endpoint: inject('dynamoEndpoint'), region: 'local' });
  const attempts = new WeakMap<object, number>();
  db.middlewareStack.add(
    (next) => async (args) => {
      const attempt = (attempts.get(args.input as object) ?? 0) + 1;
      attempts.set(args.input as object, attempt);
      const fault = plan(attempt);
      if (fault === 'throttle')
        throw Object.assign(new Error('injected throttle'), { name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 } });
      const result = await next(args);
      if (fault === 'lose-response')
        throw Object.assign(new Error('injected lost response'), { name: 'InternalServerError', $fault: 'server', $metadata: { httpStatusCode: 500 } });
      return result;
    },
    { step: 'finalizeRequest', name: 'faultInjection', priority: 'low' },
  );
  return db;
}

const order = (identityHash: string, amount: number): Order => ({
  orderId: randomBytes(8).toString('hex'),
  accountId: 'acct',
  identityHash,
  amount,
  day: '2026-11-25',
  month: '2026-11',
  status: 'reserved',
  reservedAt: Date.parse('2026-11-25T10:00:00+08:00'),
  reservationExpiresAt: Date.parse('2026-11-25T10:15:00+08:00'),
  gameId: 'default',
});

describe('DynamoDB faults', () => {
  let table: string;
  beforeAll(async () => {
    ({ table } = await freshTable());
  });

  it('retries throttled reservations and still accepts exactly 6 of 20 against 200 CNY', async () => {
    let n = 0;
    // Every request is throttled on its first two attempts, then goes through.
    const repo = new SpendingRepository(
      faultyClient((attempt) => (n++, attempt <= 2 ? 'throttle' : 'ok')),
      table,
    );
    const person = randomBytes(8).toString('hex');
    const outcomes = await Promise.all(
      Array.from({ length: 20 }, () => repo.reserve(order(person, 3000), { dayMaxBefore: null, monthMaxBefore: 20000 - 3000 })),
    );
    expect(outcomes.filter((o) => o.kind === 'reserved')).toHaveLength(6);
    const totals = await new SpendingRepository(createDocumentClient({ endpoint: inject('dynamoEndpoint'), region: 'local' }), table).totals(
      person,
      '2026-11-25',
      '2026-11',
    );
    expect(totals).toEqual({ day: 18000, month: 18000 });
    expect(n).toBe(60);
  });

  it('counts a reservation once when its response is lost and the SDK retries (idempotency token)', async () => {
    let first = true;
    const repo = new SpendingRepository(
      faultyClient(() => {
        if (!first) return 'ok';
        first = false;
        return 'lose-response';
      }),
      table,
    );
    const who = randomBytes(8).toString('hex');
    const o = order(who, 4000);
    const outcome = await repo.reserve(o, { dayMaxBefore: null, monthMaxBefore: 16000 });
    // The retried transaction carries the same ClientRequestToken: DynamoDB does not apply it twice.
    expect(outcome.kind).toBe('reserved');
    const totals = await new SpendingRepository(createDocumentClient({ endpoint: inject('dynamoEndpoint'), region: 'local' }), table).totals(
      who,
      '2026-11-25',
      '2026-11',
    );
    expect(totals.month).toBe(4000);
  });
});

describe('national system faults (identity degraded path)', () => {
  let gateway: LocalGateway;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    gateway = await startTestGateway();
    api = client(gateway.url);
    await api.setClock('2026-11-25T10:00:00+08:00');
  });
  afterAll(async () => gateway?.stop());

  it.each([
    ['down (502)', () => gateway.simulator!.setDown('error')],
    ['answering garbage', () => gateway.simulator!.setGarbage(true)],
    ['rate limiting (1006)', () => gateway.simulator!.failNext(1006, 'check')],
  ])('%s: the submission is accepted as pending, the minor rules of its age apply, and the poller verifies it later', async (_name, breakIt) => {
    const token = await api.token(`outage-${randomBytes(4).toString('hex')}`);
    breakIt();
    const r = await api.call('POST', '/v1/identity', { token, body: person('2012-03-03') });
    gateway.simulator!.setDown('no');
    gateway.simulator!.setGarbage(false);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'pending', ageBand: 8, minor: true, guardianConsent: consentStatus(false, false) });
    const login = await api.call('POST', '/v1/sessions', { token, body: { deviceId: `d-${randomBytes(4).toString('hex')}` } });
    expect(login.body.code).toBe('play_time_restricted');
    await api.tick();
    expect((await api.call('GET', '/v1/identity', { token })).body).toEqual({
      status: 'verified',
      ageBand: 8,
      minor: true,
      guardianConsent: consentStatus(false, false),
    });
  });

  it(
    'a slow national system (no answer) times out into pending within the request',
    async () => {
      const token = await api.token('outage-slow');
      gateway.simulator!.setDown('hang');
      const r = await api.call('POST', '/v1/identity', { token, body: person('1990-03-03') });
      gateway.simulator!.setDown('no');
      // The request answers (the client's own deadline, test/integration/nppaClient.test.ts), pending.
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('pending');
    },
    HEAVY_TEST_MS,
  );

  it('a configuration error (wrong key) answers 503 upstream_unavailable, never verifies silently', async () => {
    const token = await api.token('outage-config');
    gateway.simulator!.failNext(1012, 'check');
    const r = await api.call('POST', '/v1/identity', { token, body: person('1990-04-04') });
    expect(r.status).toBe(503);
    expect(r.body.code).toBe('upstream_unavailable');
    expect(r.headers.get('retry-after')).toBe('60');
    expect((await api.call('GET', '/v1/identity', { token })).body).toEqual({ status: 'none' });
  });
});
