/** The retention table (shared/storage/retention.ts) covers every item kind and is what docs/data.md shows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accessLogKey,
  accountKey,
  auditKey,
  challengeKey,
  dayPlayKey,
  deviceKey,
  drainerLeaseKey,
  erasureRecordKey,
  identityKey,
  identityLeaseKey,
  ITEM_KINDS,
  itemKindOf,
  orderKey,
  outboxKey,
  rateGateKey,
  sessionKey,
  spendDayKey,
  spendMonthKey,
  webhookEventKey,
} from '#shared/storage/keys';
import { mustExpire, RETENTION, retentionMarkdown } from '#shared/storage/retention';

describe('retention table', () => {
  it('has an entry for every item kind of the key catalogue', () => {
    expect(Object.keys(RETENTION).sort()).toEqual([...ITEM_KINDS].sort());
  });

  it('classifies every key the catalogue builds', () => {
    const keys = {
      account: accountKey('a'),
      erasureRecord: erasureRecordKey('a'),
      identity: identityKey('h'),
      identityLease: identityLeaseKey('h', 'g'),
      dayPlay: dayPlayKey('h', '2026-10-02'),
      spendDay: spendDayKey('h', '2026-10-02'),
      spendMonth: spendMonthKey('h', '2026-10'),
      session: sessionKey('s'),
      order: orderKey('o'),
      nppaEvent: outboxKey('s', 0),
      device: deviceKey('d'),
      challenge: challengeKey('c'),
      auditEntry: auditKey('a', 1, 'x'),
      rateGateSecond: rateGateKey('nppa-check', 1),
      drainerLease: drainerLeaseKey('nppaReporter'),
      accessLogEntry: accessLogKey('2026-10-02', 1, 'x'),
      webhookEvent: webhookEventKey('e'),
    };
    for (const [kind, key] of Object.entries(keys)) expect(itemKindOf(key), kind).toBe(kind);
    expect(itemKindOf({ pk: 'UNKNOWN#x', sk: 'y' })).toBeNull();
  });

  it('says when an item must carry expiresAt', () => {
    expect(mustExpire('session', { state: 'live' })).toBe(false);
    expect(mustExpire('session', { state: 'ended' })).toBe(true);
    expect(mustExpire('nppaEvent', { state: 'queued' })).toBe(false);
    expect(mustExpire('account', {})).toBe(false);
    expect(mustExpire('accessLogEntry', {})).toBe(true);
    expect(mustExpire('webhookEvent', { state: 'queued' })).toBe(true);
  });

  it('is rendered in docs/data.md', () => {
    const doc = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'data.md'), 'utf8');
    const section = /<!-- retention:start -->\n([\s\S]*?)\n<!-- retention:end -->/.exec(doc)?.[1];
    expect(section, 'docs/data.md: replace the table between the retention markers with retentionMarkdown()').toBe(retentionMarkdown());
  });
});
