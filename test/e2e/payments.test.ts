import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';

const t = useGateway();

// Minors' ages and bands are stated for this virtual day: those tests are local-only.
beforeAll(async () => {
  if (!deployed) await t.api.setClock('2026-10-14T10:00:00+08:00');
});

/** A verified account; a child under 14 with its guardian's consent (the client attests it at the real-name step). */
async function account(sub: string, birthDate: string, who = person(birthDate)): Promise<string> {
  const token = await t.api.token(sub);
  expect((await t.api.call('POST', '/v1/identity', { token, body: withConsent(who) })).status).toBe(200);
  return token;
}

/** The same virtual hour on the next Beijing days: a minor's daily cap (2024 Regulations Art. 44) is spent one day at a time. */
const onDay = (day: string) => t.api.setClock(`${day}T10:00:00+08:00`);

describe('reserve: the bands of the 2019 notice', () => {
  it.skipIf(deployed).each([
    ['8–15: 50.00 CNY is allowed', '2012-01-01', 5000, 201, undefined],
    ['8–15: 50.01 CNY is over the single limit', '2012-01-01', 5001, 403, { source: 'law', limit: 'single', limitAmount: 5000, remainingAmount: 5000 }],
    ['16–17: 100.00 CNY is allowed', '2009-06-01', 10000, 201, undefined],
    ['16–17: 100.01 CNY is over the single limit', '2009-06-01', 10001, 403, { source: 'law', limit: 'single', limitAmount: 10000, remainingAmount: 10000 }],
    ['under 8: nothing at all', '2020-01-01', 100, 403, { source: 'law', limit: 'age', limitAmount: 0, remainingAmount: 0 }],
    ['adults: no limit', '1990-01-01', 5_000_000, 201, undefined],
  ])('%s', async (_name, birthDate, amount, status, refusal) => {
    const token = await account(`p-${randomUUID()}`, birthDate);
    const r = await t.api.reserve(token, amount);
    expect(r.status).toBe(status);
    if (refusal)
      expect(r.body).toEqual({
        type: 'urn:playguard:problem:spending_limit_exceeded',
        title: 'Spending limit exceeded',
        status: 403,
        detail: expect.any(String),
        code: 'spending_limit_exceeded',
        ...refusal,
      });
    else expect(r.body).toMatchObject({ status: 'reserved' });
  });

  it.skipIf(deployed)("caps a day of ages 8–15 at 50 CNY, the band's single cap, when no one set another (2024 Regulations Art. 44)", async () => {
    await onDay('2026-10-14');
    const token = await account('p-day', '2012-02-03');
    expect((await t.api.reserve(token, 3000)).status).toBe(201);
    const over = await t.api.reserve(token, 2001);
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({ code: 'spending_limit_exceeded', source: 'law', limit: 'daily', limitAmount: 5000, remainingAmount: 2000 });
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 2000, monthlyRemaining: 17000 });
    expect((await t.api.reserve(token, 2000)).status).toBe(201);
    expect((await t.api.reserve(token, 1)).body).toMatchObject({ limit: 'daily', limitAmount: 5000, remainingAmount: 0 });
    // The next Beijing day starts a new day, not a new month.
    await onDay('2026-10-15');
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 15000 });
    await onDay('2026-10-14');
  });

  it.skipIf(deployed)('caps a day of ages 16–17 at 100 CNY', async () => {
    const token = await account('p-day-16', '2009-06-02');
    expect((await t.api.reserve(token, 10000)).status).toBe(201);
    expect((await t.api.reserve(token, 1)).body).toMatchObject({
      code: 'spending_limit_exceeded',
      source: 'law',
      limit: 'daily',
      limitAmount: 10000,
      remainingAmount: 0,
    });
  });

  it.skipIf(deployed)('stops at 200 CNY a month for ages 8–15 and says what remains', async () => {
    const token = await account('p-month', '2012-02-02');
    for (const day of ['2026-10-14', '2026-10-15', '2026-10-16']) {
      await onDay(day);
      expect((await t.api.reserve(token, 5000)).status).toBe(201);
    }
    await onDay('2026-10-17');
    expect((await t.api.reserve(token, 4000)).status).toBe(201);
    // A fresh day: only the month is left to bind.
    await onDay('2026-10-18');
    const over = await t.api.reserve(token, 1001);
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({ code: 'spending_limit_exceeded', limit: 'monthly', limitAmount: 20000, remainingAmount: 1000 });
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 1000 });
    expect((await t.api.reserve(token, 1000)).status).toBe(201);
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 4000, monthlyRemaining: 0 });
    await onDay('2026-10-14');
  });

  it.skipIf(deployed)('accepts exactly 5 of 20 concurrent 10 CNY reservations against a fresh 50 CNY day', async () => {
    const token = await account('p-race-day', '2012-03-04');
    const results = await Promise.all(Array.from({ length: 20 }, () => t.api.reserve(token, 1000)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(5);
    expect(results.filter((r) => r.status === 403).every((r) => r.body.limit === 'daily')).toBe(true);
  });

  it.skipIf(deployed)('accepts exactly 3 of 20 concurrent 10 CNY reservations against the 30 CNY left of a 200 CNY month', async () => {
    const token = await account('p-race', '2012-03-03');
    for (const day of ['2026-10-14', '2026-10-15', '2026-10-16']) {
      await onDay(day);
      expect((await t.api.reserve(token, 5000)).status).toBe(201);
    }
    await onDay('2026-10-17');
    expect((await t.api.reserve(token, 2000)).status).toBe(201);
    await onDay('2026-10-18');
    // The month binds before the day does: 3 of the day's 5 fit in the month.
    const results = await Promise.all(Array.from({ length: 20 }, () => t.api.reserve(token, 1000)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(3);
    expect(results.filter((r) => r.status === 403).every((r) => r.body.limit === 'monthly')).toBe(true);
    await onDay('2026-10-14');
  });

  it.skipIf(deployed)('counts per person across accounts, by the day and by the month', async () => {
    const who = person('2011-04-04');
    const a = await account('p-person-a', '2011-04-04', who);
    const b = await account('p-person-b', '2011-04-04', who);
    await onDay('2026-10-14');
    expect((await t.api.reserve(a, 5000)).status).toBe(201);
    expect((await t.api.reserve(b, 100)).body).toMatchObject({ limit: 'daily', remainingAmount: 0 });
    for (const day of ['2026-10-15', '2026-10-16', '2026-10-17']) {
      await onDay(day);
      expect((await t.api.reserve(a, 5000)).status).toBe(201);
    }
    await onDay('2026-10-18');
    const r = await t.api.reserve(b, 100);
    expect(r.status).toBe(403);
    expect(r.body).toMatchObject({ limit: 'monthly', remainingAmount: 0 });
    await onDay('2026-10-14');
  });
});

describe('idempotency, commit, cancel, expiry', () => {
  it('replays the same order with the same answer and refuses a different amount with order_conflict', async () => {
    const token = await account('p-idem', '1990-02-02');
    const first = await t.api.reserve(token, 1234, 'order-idem-1');
    const again = await t.api.reserve(token, 1234, 'order-idem-1');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    const conflict = await t.api.reserve(token, 999, 'order-idem-1');
    expect(conflict.status).toBe(409);
    expect(conflict.body.code).toBe('order_conflict');
  });

  it.skipIf(deployed)('releases the amount on cancel, idempotently', async () => {
    const token = await account('p-cancel', '2012-05-05');
    expect((await t.api.reserve(token, 5000, 'order-cancel-0')).status).toBe(201);
    expect((await t.api.reserve(token, 5000)).body).toMatchObject({ limit: 'daily', remainingAmount: 0 });
    for (let i = 0; i < 2; i += 1) {
      const c = await t.api.call('POST', '/v1/payments/order-cancel-0/cancel', { token });
      expect(c.status).toBe(200);
      expect(c.body).toEqual({ orderId: 'order-cancel-0', status: 'cancelled' });
    }
    expect((await t.api.reserve(token, 5000)).status).toBe(201);
  });

  it.skipIf(deployed)('commits idempotently; a committed order is not released by expiry', async () => {
    const token = await account('p-commit', '2012-06-06');
    await t.api.reserve(token, 5000, 'order-commit-1');
    for (let i = 0; i < 2; i += 1)
      expect((await t.api.call('POST', '/v1/payments/order-commit-1/commit', { token })).body).toEqual({ orderId: 'order-commit-1', status: 'committed' });
  });

  it.skipIf(deployed)('releases an uncommitted reservation after 15 minutes; its commit is then order_expired', async () => {
    await t.api.setClock('2026-10-15T10:00:00+08:00');
    const token = await account('p-expire', '2012-07-07');
    expect((await t.api.reserve(token, 5000, 'order-exp-0')).status).toBe(201);
    expect((await t.api.reserve(token, 5000)).body).toMatchObject({ limit: 'daily', remainingAmount: 0 });
    await t.api.setClock('2026-10-15T10:15:01+08:00');
    await t.api.tick();
    const late = await t.api.call('POST', '/v1/payments/order-exp-0/commit', { token });
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('order_expired');
    expect((await t.api.reserve(token, 5000)).status).toBe(201);
  });

  it("answers 404 for an unknown order and for another account's order", async () => {
    const owner = await account('p-owner', '1990-03-03');
    await t.api.reserve(owner, 100, 'order-owned');
    const stranger = await account('p-stranger', '1990-03-04');
    expect((await t.api.call('POST', '/v1/payments/order-owned/commit', { token: stranger })).status).toBe(404);
    expect((await t.api.call('POST', '/v1/payments/order-owned/cancel', { token: stranger })).status).toBe(404);
    expect((await t.api.call('POST', '/v1/payments/no-such-order/commit', { token: owner })).body.code).toBe('order_not_found');
  });
});

describe('credentials', () => {
  it('lets a game server reserve for a named account, and requires the name', async () => {
    await account('p-server-target', '1990-04-04');
    const server = await t.api.token('game-server', 'server');
    expect((await t.api.reserve(server, 100, randomUUID(), { accountId: 'p-server-target' })).status).toBe(201);
    const missing = await t.api.reserve(server, 100);
    expect(missing.body.code).toBe('invalid_request');
    expect(missing.status).toBe(400);
  });

  it('forbids a player to pay for another account', async () => {
    const token = await account('p-self', '1990-05-05');
    const r = await t.api.reserve(token, 100, randomUUID(), { accountId: 'someone-else' });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
  });

  it.each([[0], [-5], [12.5], [1e12], ['100']])('rejects the amount %s with 400', async (amount) => {
    const token = await t.api.token('p-bad-amount');
    const r = await t.api.call('POST', '/v1/payments', { token, body: { orderId: randomUUID(), amount } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('invalid_request');
  });
});

describe.skipIf(deployed)('Beijing month boundary', () => {
  it('counts an order at 23:59:59 on 31 October in October, and November starts fresh', async () => {
    await t.api.setClock('2026-10-28T12:00:00+08:00');
    const token = await account('p-boundary', '2012-08-08');
    for (const day of ['2026-10-28', '2026-10-29', '2026-10-30']) {
      await t.api.setClock(`${day}T12:00:00+08:00`);
      expect((await t.api.reserve(token, 5000)).status).toBe(201);
    }
    await t.api.setClock('2026-10-31T23:59:59+08:00');
    expect((await t.api.reserve(token, 5000)).status).toBe(201);
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 0, monthlyRemaining: 0 });
    await t.api.setClock('2026-11-01T00:00:01+08:00');
    expect((await t.api.call('GET', '/v1/limits', { token })).body.spending).toEqual({ singleMax: 5000, dailyRemaining: 5000, monthlyRemaining: 20000 });
    expect((await t.api.reserve(token, 5000)).status).toBe(201);
  });
});
