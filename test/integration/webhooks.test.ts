/**
 * Notifications to the publisher against DynamoDB Local and a real HTTP receiver on 127.0.0.1
 * that verifies each request with docs/webhooks.md's snippet and de-duplicates on id: delivery,
 * back-off, a lost 2xx, dead letters after 24 h, and what an event may contain.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accountFromItem } from '#shared/accounts/repository';
import { formatBeijing } from '#shared/domain/beijingTime';
import { DEFAULT_RISK_POLICY } from '#shared/domain/riskRules';
import { useLogSink } from '#shared/log';
import { NotificationOutbox, type NewNotification } from '#shared/notifications/outbox';
import { DELIVERY_CONCURRENCY, sendDueNotifications, type SenderDeps } from '#shared/notifications/sender';
import { challengeRequired } from '#shared/risk/service';
import { transact } from '#shared/storage/conditions';
import { webhookEventKey } from '#shared/storage/keys';
import { ttlAttribute } from '#shared/storage/expiry';
import { freshTable, repositories } from '#test/support/table';
import { startReceiver, type Receiver } from '#test/support/webhookReceiver';

const SECRET = 'whsec-integration-0123456789abcdef';
const T0 = Date.parse('2026-11-25T10:00:00+08:00');
const MINUTE = 60_000;
const HOUR = 3600_000;

let db: Awaited<ReturnType<typeof freshTable>>['db'];
let table: string;
let outbox: NotificationOutbox;
let receiver: Receiver;
let lines: string[] = [];

beforeAll(async () => {
  ({ db, table } = await freshTable());
  outbox = new NotificationOutbox(db, table);
  receiver = await startReceiver(SECRET);
});
afterAll(async () => {
  await receiver?.stop();
  useLogSink((line) => process.stdout.write(line + '\n'));
});
beforeEach(() => {
  lines = [];
  useLogSink((line) => lines.push(line));
});
// Each test runs later on the gateway clock than the one before, so nothing it leaves is due early.
afterEach(() => receiver.reset());

const queue = async (e: NewNotification) => transact(db, [['event', outbox.eventPart(e)]]);
const run = (nowMs: number, extra: Partial<SenderDeps> = {}) =>
  sendDueNotifications({ outbox, url: receiver.url, secret: SECRET, now: () => nowMs, ...extra }, () => false);
const metrics = (name: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((m) => m[name] !== undefined);

describe('webhook delivery', () => {
  it('delivers a due event once, signed over its raw body with the real time, and forgets it', async () => {
    await queue({
      id: 'evt-delivered',
      type: 'risk.challenge_issued',
      occurredAtMs: T0,
      data: {
        challengeId: 'c1',
        accountId: 'acct-1',
        gameId: 'g-main',
        signal: 'device_many_accounts',
        trigger: 'login',
        expiresAt: formatBeijing(T0 + 10 * MINUTE),
      },
    });
    const before = Math.floor(Date.now() / 1000);
    expect(await run(T0)).toEqual({ delivered: 1, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests).toHaveLength(1);
    const [r] = receiver.requests;
    expect(r!.verified).toBe(true);
    expect(r!.headers['content-type']).toBe('application/json');
    const t = Number(/^t=(\d+),v1=[0-9a-f]{64}$/.exec(String(r!.headers['playguard-signature']))![1]);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(JSON.parse(r!.rawBody)).toEqual({
      id: 'evt-delivered',
      type: 'risk.challenge_issued',
      occurredAt: '2026-11-25T10:00:00+08:00',
      data: {
        challengeId: 'c1',
        accountId: 'acct-1',
        gameId: 'g-main',
        signal: 'device_many_accounts',
        trigger: 'login',
        expiresAt: '2026-11-25T10:10:00+08:00',
      },
    });
    expect(await outbox.get('evt-delivered')).toBeNull();
    expect(await run(T0 + HOUR)).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests).toHaveLength(1);
  });

  it('sends nothing when no event is due (one queued for later waits for its time)', async () => {
    const at = T0 + 2 * HOUR;
    expect(await run(at - MINUTE)).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 0 });
    await queue({ id: 'evt-later', type: 'risk.challenge_issued', occurredAtMs: at, data: { challengeId: 'c2' } });
    expect(await run(at - 1)).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests).toHaveLength(0);
    expect(await run(at)).toMatchObject({ delivered: 1 });
    expect(receiver.requests.map((r) => r.event?.id)).toEqual(['evt-later']);
  });

  it('retries a 500 after its back-off, not before, and delivers on the later run', async () => {
    const at = T0 + 3 * HOUR;
    await queue({ id: 'evt-retry', type: 'risk.challenge_issued', occurredAtMs: at, data: { challengeId: 'c3' } });
    receiver.answerNext(500);
    expect(await run(at)).toEqual({ delivered: 0, retried: 1, deadLettered: 0, errors: 0 });
    expect(await outbox.get('evt-retry')).toMatchObject({ state: 'queued', attempts: 1, nextAttemptAt: at + 30_000 });
    expect(await run(at + 29_999)).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 0 });
    expect(await run(at + 30_000)).toEqual({ delivered: 1, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests.map((r) => [r.event?.id, r.status])).toEqual([
      ['evt-retry', 500],
      ['evt-retry', 200],
    ]);
    expect(receiver.requests[0]!.rawBody).toBe(receiver.requests[1]!.rawBody);
    expect(await outbox.get('evt-retry')).toBeNull();
  });

  it('sends an event again when its 2xx was lost (the delete failed), and the receiver de-duplicates it on id', async () => {
    const at = T0 + 4 * HOUR;
    await queue({ id: 'evt-lost-ack', type: 'risk.challenge_issued', occurredAtMs: at, data: { challengeId: 'c4' } });
    let failDelete = true;
    const crashing = Object.assign(Object.create(outbox) as NotificationOutbox, {
      delivered: async (id: string) => {
        if (failDelete) {
          failDelete = false;
          throw new Error('the sender stopped before it could delete');
        }
        return outbox.delivered(id);
      },
    });
    expect(await run(at, { outbox: crashing })).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 1 });
    expect(await run(at + 10_000, { outbox: crashing })).toMatchObject({ delivered: 0 });
    expect(await run(at + 30_000, { outbox: crashing })).toEqual({ delivered: 1, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests.map((r) => [r.event?.id, r.status, r.duplicate])).toEqual([
      ['evt-lost-ack', 200, false],
      ['evt-lost-ack', 200, true],
    ]);
    expect(receiver.requests[0]!.rawBody).toBe(receiver.requests[1]!.rawBody);
    expect([...receiver.events.keys()].filter((id) => id === 'evt-lost-ack')).toHaveLength(1);
  });

  it('after 24 h of failures makes the event a dead letter: counted, kept 30 days, never tried again', async () => {
    const at = T0 + 5 * HOUR;
    await queue({ id: 'evt-dead', type: 'risk.challenge_issued', occurredAtMs: at, data: { challengeId: 'c5' } });
    receiver.answerNext(...Array.from({ length: 40 }, () => 503));
    const results = [];
    for (let h = 0; h <= 26; h += 1) results.push(await run(at + h * HOUR));
    // One try an hour (the back-off is capped at an hour), the last exactly at 24 h.
    expect(receiver.requests).toHaveLength(25);
    expect(results.slice(0, 24).every((r) => r.retried === 1)).toBe(true);
    expect(results[24]).toEqual({ delivered: 0, retried: 0, deadLettered: 1, errors: 0 });
    expect(results.slice(25)).toEqual([
      { delivered: 0, retried: 0, deadLettered: 0, errors: 0 },
      { delivered: 0, retried: 0, deadLettered: 0, errors: 0 },
    ]);
    const stored = (await db.send(new GetCommand({ TableName: table, Key: webhookEventKey('evt-dead') }))).Item!;
    expect(stored).toMatchObject({ state: 'dead', attempts: 25, lastError: 'status 503' });
    expect(stored.gsi1pk).toBeUndefined();
    expect(stored.expiresAt).toBeGreaterThanOrEqual(ttlAttribute(at + 24 * HOUR + 30 * 24 * HOUR) - 5);
    expect(metrics('WebhookDeadLetters')).toEqual([expect.objectContaining({ WebhookDeadLetters: 1, type: 'risk.challenge_issued' })]);
  });

  it('keeps the first retries short: 30 s, then 60 s, then 120 s', async () => {
    const at = T0 + 40 * HOUR;
    await queue({ id: 'evt-backoff', type: 'risk.challenge_issued', occurredAtMs: at, data: {} });
    receiver.answerNext(500, 500, 500);
    await run(at);
    expect(await outbox.get('evt-backoff')).toMatchObject({ nextAttemptAt: at + 30_000 });
    await run(at + 30_000);
    expect(await outbox.get('evt-backoff')).toMatchObject({ nextAttemptAt: at + 90_000 });
    await run(at + 90_000);
    expect(await outbox.get('evt-backoff')).toMatchObject({ nextAttemptAt: at + 210_000, attempts: 3 });
    expect(await run(at + 210_000)).toMatchObject({ delivered: 1 });
  });

  it('without a secret sends nothing, logs an error and counts it', async () => {
    const at = T0 + 50 * HOUR;
    await queue({ id: 'evt-unsigned', type: 'risk.challenge_issued', occurredAtMs: at, data: {} });
    expect(await run(at, { secret: '' })).toEqual({ delivered: 0, retried: 0, deadLettered: 0, errors: 0 });
    expect(receiver.requests).toHaveLength(0);
    expect(metrics('WebhookConfigurationError')).toHaveLength(1);
    expect(lines.some((l) => l.includes('"level":"ERROR"'))).toBe(true);
    expect(lines.join('\n')).not.toContain(SECRET);
    expect(await outbox.get('evt-unsigned')).toMatchObject({ state: 'queued', attempts: 0 });
    expect(await run(at)).toMatchObject({ delivered: 1 });
  });

  it('sends in parallel, never more than ten at once', async () => {
    const at = T0 + 60 * HOUR;
    for (let i = 0; i < 25; i += 1) await queue({ id: `evt-many-${i}`, type: 'risk.challenge_issued', occurredAtMs: at, data: { n: i } });
    // A receiver that answers nothing until as many requests are open as may be (ten, or all that
    // are left): a sender that sent one at a time, or more than ten, would show it — whatever the
    // machine's speed, as no answer waits for time, only for the sender's next request.
    let inFlight = 0;
    let answered = 0;
    let most = 0;
    const waiting: Array<() => void> = [];
    const holding: typeof fetch = async (...args) => {
      most = Math.max(most, (inFlight += 1));
      if (inFlight >= Math.min(DELIVERY_CONCURRENCY, 25 - answered)) waiting.splice(0).forEach((go) => go());
      else await new Promise<void>((go) => waiting.push(go));
      try {
        return await fetch(...args);
      } finally {
        inFlight -= 1;
        answered += 1;
      }
    };
    expect(await run(at, { fetch: holding })).toMatchObject({ delivered: 25, errors: 0 });
    expect(most).toBe(DELIVERY_CONCURRENCY);
  });
});

describe('risk.challenge_issued', () => {
  it("is queued in the challenge's own transaction, with opaque ids only", async () => {
    const at = T0 + 70 * HOUR;
    const risk = { repo: repositories(db, table).risk, policy: DEFAULT_RISK_POLICY, notifications: outbox };
    const account = accountFromItem('acct-risk-7', {
      identityHash: 'IDHASH-secret-looking',
      pi: '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u',
      birthDate: '1990-01-01',
      status: 'verified',
    });
    const problem = await challengeRequired(
      risk,
      account,
      { outcome: 'challenge', signal: 'device_many_accounts', inputs: { accountsOnDevice: 4 } },
      'login',
      at,
      'g-main',
    );
    const challengeId = problem.extra.challengeId;
    expect(challengeId).toMatch(/^[0-9a-f]{32}$/);
    expect(await run(at)).toMatchObject({ delivered: 1 });
    const [r] = receiver.requests;
    expect(r!.verified).toBe(true);
    expect(r!.event).toMatchObject({
      type: 'risk.challenge_issued',
      occurredAt: formatBeijing(at),
      data: {
        challengeId,
        accountId: 'acct-risk-7',
        gameId: 'g-main',
        signal: 'device_many_accounts',
        trigger: 'login',
        challengeKind: 'face',
        expiresAt: expect.stringMatching(/\+08:00$/),
      },
    });
    expect(Object.keys(r!.event!.data).sort()).toEqual(['accountId', 'challengeId', 'challengeKind', 'expiresAt', 'gameId', 'signal', 'trigger']);
    expect(r!.rawBody).not.toMatch(/IDHASH|1fffbjzos|1990-01-01|pi"|identityHash|deviceHash|name/);
  });

  it('is not queued when webhooks are off', async () => {
    const at = T0 + 80 * HOUR;
    const risk = { repo: repositories(db, table).risk, policy: DEFAULT_RISK_POLICY, notifications: null };
    await challengeRequired(risk, accountFromItem('acct-risk-8', {}), { outcome: 'challenge', signal: 'night_patrol', inputs: {} }, 'payment', at);
    expect(await outbox.due(at + HOUR, 100)).toEqual([]);
  });
});
