/**
 * Expiry never loses data: every `expiresAt` written to DynamoDB Local lies a day past the item's
 * logical expiry and never before the REAL clock plus a day — even when the gateway clock is months
 * in the past, as the local runner's virtual clock can be (DynamoDB Local deletes on real time).
 * Asserted on the stored values: DynamoDB Local's sweeper timing is never relied on.
 */
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { beijingDate, beijingMonth, endOfBeijingDay, endOfBeijingMonth } from '#shared/domain/beijingTime';
import { DrainerLease } from '#shared/reporting/drainerLease';
import { RateGate } from '#shared/reporting/rateGate';
import type { SessionRecord } from '#shared/sessions/repository';
import { SpendingRepository, type Order } from '#shared/spending/repository';
import { ttlAttribute } from '#shared/storage/expiry';
import {
  accountKey,
  challengeKey,
  dayPlayKey,
  deviceKey,
  pendingCheckKey,
  identityLeaseKey,
  orderKey,
  sessionKey,
  spendDayKey as dayCounterKey,
  spendMonthKey as monthCounterKey,
} from '#shared/storage/keys';
import { freshTable, repositories } from '#test/support/table';

const DAY = 86_400_000;
/** The gateway clock, 300 days behind the real one: longer than any retention but the month counter's. */
const virtualNow = Date.now() - 300 * DAY;

let db: DynamoDBDocumentClient;
let table: string;
beforeAll(async () => {
  ({ db, table } = await freshTable());
});

const stored = async (key: { pk: string; sk: string }) => (await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

/** Runs `write`, then checks the item's expiresAt is ttlAttribute(logical) for the real clock during the write. */
async function expectTtl(write: () => Promise<unknown>, checks: Array<{ key: { pk: string; sk: string }; logicalMs: number }>) {
  const before = Date.now();
  await write();
  const after = Date.now();
  for (const { key, logicalMs } of checks) expectTtlOf(await stored(key), logicalMs, before, after);
  return { before, after };
}

function expectTtlOf(item: Record<string, unknown> | undefined, logicalMs: number, before: number, after: number) {
  expect(item).toBeDefined();
  const expiresAt = Number(item!.expiresAt);
  expect(expiresAt).toBeGreaterThanOrEqual(ttlAttribute(logicalMs, before));
  expect(expiresAt).toBeLessThanOrEqual(ttlAttribute(logicalMs, after));
  // Never in the real past, whatever the gateway clock says.
  expect(expiresAt).toBeGreaterThanOrEqual(Math.ceil(before / 1000) + 86_400);
}

describe('TTL values written with the gateway clock 300 days in the past', () => {
  it('payment reservation: the order and its counters (a day after their day or month ends) get the real-time floor', async () => {
    const hash = randomBytes(16).toString('hex');
    const order: Order = {
      orderId: `o-${randomBytes(4).toString('hex')}`,
      accountId: 'a',
      identityHash: hash,
      amount: 100,
      day: '2026-01-01',
      month: '2026-01',
      status: 'reserved',
      reservedAt: virtualNow,
      reservationExpiresAt: virtualNow + 900_000,
      gameId: 'default',
    };
    await expectTtl(
      () => new SpendingRepository(db, table).reserve(order, { dayMaxBefore: null, monthMaxBefore: null }),
      [
        { key: orderKey(order.orderId), logicalMs: virtualNow + 180 * DAY },
        { key: dayCounterKey(hash, order.day), logicalMs: Date.parse('2026-01-02T00:00:00+08:00') + DAY },
        { key: monthCounterKey(hash, order.month), logicalMs: Date.parse('2026-02-01T00:00:00+08:00') + DAY },
      ],
    );
  });

  it("session: the minor's identity lease at login; the ended session and the day's play at logout", async () => {
    const s: SessionRecord = {
      sessionId: randomBytes(16).toString('hex'),
      accountId: `acct-${randomBytes(4).toString('hex')}`,
      identityHash: randomBytes(16).toString('hex'),
      deviceHash: 'd',
      birthDate: '2012-01-01',
      playedBeforeSeconds: 0,
      startedAt: virtualNow,
      lastHeartbeatAt: virtualNow,
      lastSeq: 0,
      intervalSeconds: 60,
      state: 'live',
      minorAtLogin: true,
      identityLeased: true,
      identityLeaseScope: 'default',
      gameId: 'default',
    };
    await db.send(new PutCommand({ TableName: table, Item: { ...accountKey(s.accountId), identityHash: s.identityHash } }));
    const repo = repositories(db, table).sessions;
    await expectTtl(
      () => repo.start(s, { account: null, identity: null }),
      [{ key: identityLeaseKey(s.identityHash, 'default'), logicalMs: virtualNow + DAY }],
    );
    // A live session has no TTL at all: only its state ends it.
    expect((await stored(sessionKey(s.sessionId)))!.expiresAt).toBeUndefined();
    const endedAt = virtualNow + 600_000;
    await expectTtl(
      () => repo.end(s, 'logout', endedAt, { play: { day: '2026-01-01', seconds: 600 } }),
      [
        { key: sessionKey(s.sessionId), logicalMs: endedAt + 7 * DAY },
        // Needed only while its day lasts: the end of 2026-01-01, Beijing time.
        { key: dayPlayKey(s.identityHash, '2026-01-01'), logicalMs: Date.parse('2026-01-02T00:00:00+08:00') },
      ],
    );
  });

  it('risk: a device sighting, a challenge (after its own expiry) and its audit entry', async () => {
    const repo = repositories(db, table).risk;
    const device = randomBytes(8).toString('hex');
    await expectTtl(() => repo.sightDevice(device, 'acct-r', virtualNow, 86_400), [{ key: deviceKey(device), logicalMs: virtualNow + DAY }]);
    const challengeId = randomBytes(8).toString('hex');
    const accountId = `acct-${randomBytes(4).toString('hex')}`;
    const { before, after } = await expectTtl(
      () =>
        repo.openChallenge({ challengeId, accountId, signal: 'night_patrol', context: 'login', createdAt: virtualNow, expiresAtMs: virtualNow + 600_000 }, {}),
      [{ key: challengeKey(challengeId), logicalMs: virtualNow + 180 * DAY }],
    );
    const audit =
      (
        await db.send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': `AUDIT#${accountId}` },
            ConsistentRead: true,
          }),
        )
      ).Items ?? [];
    expect(audit).toHaveLength(1);
    expectTtlOf(audit[0], virtualNow + 180 * DAY, before, after);
  });

  it("identity: an account's pending check holding a sealed submission", async () => {
    const hash = randomBytes(16).toString('hex');
    const accountId = `acct-${randomBytes(4).toString('hex')}`;
    const repo = repositories(db, table).identities;
    await expectTtl(
      async () =>
        repo.bind(
          { accountId, identityHash: hash, birthDate: '2012-01-01', status: 'pending', check: { sealed: 'sealed-blob', nameKey: 'nk' }, nowMs: virtualNow },
          await repo.bindingFacts(accountId, hash),
        ),
      [{ key: pendingCheckKey(accountId), logicalMs: virtualNow + 7 * DAY }],
    );
  });

  it('reporting: the per-second rate gate counter and the drainer lease', async () => {
    const gateName = `gate-${randomBytes(4).toString('hex')}`;
    const second = Math.floor(virtualNow / 1000);
    // The counter of a second is done with once the second is over.
    await expectTtl(
      () => new RateGate(db, table, gateName, 10, () => virtualNow).acquire(),
      [{ key: { pk: `RATE#${gateName}`, sk: String(second) }, logicalMs: (second + 1) * 1000 }],
    );

    const leaseName = `lease-${randomBytes(4).toString('hex')}`;
    await expectTtl(
      () => new DrainerLease(db, table, leaseName).take(virtualNow, 60_000),
      [{ key: { pk: `LEASE#${leaseName}`, sk: 'LEASE' }, logicalMs: virtualNow + 60_000 }],
    );
  });
});

describe('TTL values with the gateway clock on real time (deployed)', () => {
  it('are exactly the logical expiry plus a day', async () => {
    const hash = randomBytes(16).toString('hex');
    const now = Date.now();
    // Deployed, a reservation counts in the Beijing day and month it is made in.
    const order: Order = {
      orderId: `o-${randomBytes(4).toString('hex')}`,
      accountId: 'a',
      identityHash: hash,
      amount: 100,
      day: beijingDate(now),
      month: beijingMonth(now),
      status: 'reserved',
      reservedAt: now,
      reservationExpiresAt: now + 900_000,
      gameId: 'default',
    };
    await new SpendingRepository(db, table).reserve(order, { dayMaxBefore: null, monthMaxBefore: null });
    expect((await stored(orderKey(order.orderId)))!.expiresAt).toBe(Math.ceil((now + 180 * DAY) / 1000) + 86_400);
    // The counters: the end of their day or month, a day for the reservations counted in them, and the margin.
    expect((await stored(dayCounterKey(hash, order.day)))!.expiresAt).toBe(Math.ceil((endOfBeijingDay(order.day) + DAY) / 1000) + 86_400);
    expect((await stored(monthCounterKey(hash, order.month)))!.expiresAt).toBe(Math.ceil((endOfBeijingMonth(order.month) + DAY) / 1000) + 86_400);
  });
});
