/**
 * A reservation replayed after its order moved on answers with the order's real state (never a
 * `reserved` that holds nothing), and the virtual clock set months back cannot make DynamoDB
 * Local's real-time TTL sweeper delete live orders (shared/storage/expiry.ts). Local-only: both
 * move the virtual clock and run the sweepers with tick.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/storage/dynamo';
import { deployed, useGateway } from '#test/support/gateway';
import { person, withConsent } from '#test/support/people';

const t = useGateway();

/** A verified account; a child under 14 with its guardian's consent (the client attests it at the real-name step). */
async function account(sub: string, birthDate: string): Promise<string> {
  const token = await t.api.token(sub);
  expect((await t.api.call('POST', '/v1/identity', { token, body: withConsent(person(birthDate)) })).status).toBe(200);
  return token;
}
const commit = (token: string, orderId: string) => t.api.call('POST', `/v1/payments/${orderId}/commit`, { token });
const monthlyRemaining = async (token: string) => (await t.api.call('GET', '/v1/limits', { token })).body.spending.monthlyRemaining;

const CANCELLED = '该订单已取消，请使用新的订单号重新下单。';
const EXPIRED = '该订单预留已过期，请使用新的订单号重新下单。';
const conflict = (orderStatus: string, detail: string) => ({
  type: 'urn:playguard:problem:order_conflict',
  title: 'Order conflict',
  status: 409,
  detail,
  code: 'order_conflict',
  orderStatus,
});

describe.skipIf(deployed)('a reservation replayed (same orderId, amount and account) after the order moved on', () => {
  it('still reserved: the same 201 as the first time', async () => {
    const token = await account('p-replay-held', '2012-09-01');
    await t.api.setClock('2026-10-16T10:00:00+08:00');
    const first = await t.api.reserve(token, 3000, 'order-replay-held');
    expect(first.body).toEqual({ orderId: 'order-replay-held', status: 'reserved', expiresAt: '2026-10-16T10:15:00+08:00' });
    await t.api.setClock('2026-10-16T10:14:59+08:00');
    const again = await t.api.reserve(token, 3000, 'order-replay-held');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await monthlyRemaining(token)).toBe(17000);
  });

  it('cancelled: 409 order_conflict with orderStatus "cancelled", and nothing is held again', async () => {
    await t.api.setClock('2026-10-16T11:00:00+08:00');
    const token = await account('p-replay-cancelled', '2012-09-02');
    await t.api.reserve(token, 3000, 'order-replay-cancelled');
    expect((await t.api.call('POST', '/v1/payments/order-replay-cancelled/cancel', { token })).status).toBe(200);
    const r = await t.api.reserve(token, 3000, 'order-replay-cancelled');
    expect(r.status).toBe(409);
    expect(r.body).toEqual(conflict('cancelled', CANCELLED));
    expect(await monthlyRemaining(token)).toBe(20000);
  });

  it('released by the sweeper: 409 order_conflict with orderStatus "expired"', async () => {
    await t.api.setClock('2026-10-16T12:00:00+08:00');
    const token = await account('p-replay-swept', '2012-09-03');
    await t.api.reserve(token, 3000, 'order-replay-swept');
    await t.api.setClock('2026-10-16T12:15:01+08:00');
    await t.api.tick();
    expect(await monthlyRemaining(token)).toBe(20000);
    const r = await t.api.reserve(token, 3000, 'order-replay-swept');
    expect(r.status).toBe(409);
    expect(r.body).toEqual(conflict('expired', EXPIRED));
    expect(await monthlyRemaining(token)).toBe(20000);
  });

  it('past its expiry before the sweeper ran: released there and then, 409 "expired"; the sweeper releases nothing twice', async () => {
    await t.api.setClock('2026-10-16T13:00:00+08:00');
    const token = await account('p-replay-lapsed', '2012-09-04');
    await t.api.reserve(token, 3000, 'order-replay-lapsed');
    expect(await monthlyRemaining(token)).toBe(17000);
    await t.api.setClock('2026-10-16T13:15:01+08:00');
    const r = await t.api.reserve(token, 3000, 'order-replay-lapsed');
    expect(r.status).toBe(409);
    expect(r.body).toEqual(conflict('expired', EXPIRED));
    expect(await monthlyRemaining(token)).toBe(20000);
    await t.api.tick();
    expect(await monthlyRemaining(token)).toBe(20000);
    expect((await t.api.reserve(token, 3000, 'order-replay-lapsed')).body).toEqual(conflict('expired', EXPIRED));
    const late = await commit(token, 'order-replay-lapsed');
    expect(late.status).toBe(409);
    expect(late.body.code).toBe('order_expired');
  });

  it('committed: 201 with status "committed", also long after the reservation time', async () => {
    await t.api.setClock('2026-10-16T14:00:00+08:00');
    const token = await account('p-replay-committed', '2012-09-05');
    await t.api.reserve(token, 3000, 'order-replay-committed');
    expect((await commit(token, 'order-replay-committed')).status).toBe(200);
    expect((await t.api.reserve(token, 3000, 'order-replay-committed')).body).toEqual({ orderId: 'order-replay-committed', status: 'committed' });
    await t.api.setClock('2026-10-16T15:00:00+08:00');
    await t.api.tick();
    const r = await t.api.reserve(token, 3000, 'order-replay-committed');
    expect(r.status).toBe(201);
    expect(r.body).toEqual({ orderId: 'order-replay-committed', status: 'committed' });
    expect(await monthlyRemaining(token)).toBe(17000);
  });

  it('a different amount on a cancelled order: a plain order_conflict that says nothing of the order', async () => {
    await t.api.setClock('2026-10-16T16:00:00+08:00');
    const token = await account('p-replay-other', '2012-09-06');
    await t.api.reserve(token, 3000, 'order-replay-other');
    await t.api.call('POST', '/v1/payments/order-replay-other/cancel', { token });
    const r = await t.api.reserve(token, 2000, 'order-replay-other');
    expect(r.status).toBe(409);
    expect(r.body).toEqual({
      type: 'urn:playguard:problem:order_conflict',
      title: 'Order conflict',
      status: 409,
      detail: '订单号已被用于其他金额或账号。',
      code: 'order_conflict',
    });
  });

  it('commit once the reservation time ran out, before the sweeper: 409 order_expired, and the amount is released', async () => {
    await t.api.setClock('2026-10-16T17:00:00+08:00');
    const token = await account('p-commit-lapsed', '2012-09-07');
    await t.api.reserve(token, 3000, 'order-commit-lapsed');
    await t.api.setClock('2026-10-16T17:15:01+08:00');
    const r = await commit(token, 'order-commit-lapsed');
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('order_expired');
    expect(await monthlyRemaining(token)).toBe(20000);
    expect((await t.api.reserve(token, 3000, 'order-commit-lapsed')).body).toEqual(conflict('expired', EXPIRED));
  });
});

describe.skipIf(deployed)('the virtual clock months in the past (DynamoDB Local deletes on the real clock)', () => {
  it('stores TTLs in the real future with a day of margin; the orders still commit and expire correctly', async () => {
    await t.api.setClock('2026-03-02T10:00:00+08:00');
    const token = await account('p-past-clock', '2012-10-01');
    const before = Date.now();
    // 30 + 20 CNY: the day's 50 CNY cap of ages 8–15, exactly.
    expect((await t.api.reserve(token, 3000, 'order-past-commit')).status).toBe(201);
    expect((await t.api.reserve(token, 2000, 'order-past-expire')).status).toBe(201);
    const after = Date.now();

    const db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
    const item = async (pk: string, sk: string) =>
      (await db.send(new GetCommand({ TableName: t.gateway.tableName, Key: { pk, sk }, ConsistentRead: true }))).Item!;
    const order = await item('ORDER#order-past-expire', 'ORDER');
    expect(order.status).toBe('reserved');
    // The virtual clock runs on in real time from 10:00:00: allow the seconds the test took.
    expect(order.reservationExpiresAt - Date.parse('2026-03-02T10:15:00+08:00')).toBeGreaterThanOrEqual(0);
    expect(order.reservationExpiresAt - Date.parse('2026-03-02T10:15:00+08:00')).toBeLessThan(10_000);
    // Without the real-clock floor: 2026-03-02 + 180 days (2026-08-29), already in the real past.
    const min = Math.ceil(before / 1000) + 86_400;
    const max = Math.ceil(after / 1000) + 86_400;
    expect(order.expiresAt).toBeGreaterThanOrEqual(min);
    expect(order.expiresAt).toBeLessThanOrEqual(max);
    const day = await item(`IDENTITY#${order.identityHash}`, 'SPEND#D#2026-03-02');
    expect(day.total).toBe(5000);
    expect(day.expiresAt).toBeGreaterThanOrEqual(min);
    expect(day.expiresAt).toBeLessThanOrEqual(max);

    expect((await commit(token, 'order-past-commit')).body).toEqual({ orderId: 'order-past-commit', status: 'committed' });
    expect(await monthlyRemaining(token)).toBe(15000);

    await t.api.setClock('2026-03-02T10:15:01+08:00');
    await t.api.tick();
    expect((await item('ORDER#order-past-expire', 'ORDER')).status).toBe('released');
    expect((await item(`IDENTITY#${order.identityHash}`, 'SPEND#M#2026-03')).total).toBe(3000);
    expect(await monthlyRemaining(token)).toBe(17000);
    expect((await t.api.reserve(token, 2000, 'order-past-expire')).body).toEqual(conflict('expired', EXPIRED));
  });
});
