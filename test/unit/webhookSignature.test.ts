/** The webhook signature (the contract's "Notifications to the publisher") and docs/webhooks.md's receiver snippet agree. */
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sign, verify } from '#shared/notifications/signature';
import { retryDelayMs } from '#shared/notifications/sender';
import { documentedVerify } from '#test/support/webhookReceiver';

const SECRET = 'whsec-unit-密钥-0123456789';
const BODY = '{"id":"e1","type":"risk.challenge_issued","occurredAt":"2026-11-25T10:00:00+08:00","data":{"challengeId":"c1"}}';

describe('webhook signature', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed with the secret as UTF-8>', () => {
    const expected = createHmac('sha256', Buffer.from(SECRET, 'utf8')).update(`1764036000.${BODY}`).digest('hex');
    expect(sign(SECRET, BODY, 1_764_036_000)).toBe(`t=1764036000,v1=${expected}`);
  });

  it('verifies within the tolerance and refuses outside it, a changed body, another secret or a malformed header', () => {
    const header = sign(SECRET, BODY, 1000);
    expect(verify(SECRET, header, BODY, 300, 1300)).toBe(true);
    expect(verify(SECRET, header, BODY, 300, 700)).toBe(true);
    expect(verify(SECRET, header, BODY, 300, 1301)).toBe(false);
    expect(verify(SECRET, header, BODY.replace('c1', 'c2'), 300, 1000)).toBe(false);
    expect(verify('another-secret', header, BODY, 300, 1000)).toBe(false);
    for (const bad of [undefined, '', 't=1000', 'v1=abc', 't=x,v1=' + 'a'.repeat(64), header.replace('t=1000', 't=1001')])
      expect(verify(SECRET, bad, BODY, 300, 1000), String(bad)).toBe(false);
    expect(verify(SECRET, `${header},v1=${'0'.repeat(64)}`, BODY, 300, 1000)).toBe(true);
  });

  it('the docs/webhooks.md snippet accepts exactly what verify accepts', () => {
    const readme = documentedVerify();
    fc.assert(
      fc.property(
        fc.string(),
        fc.string({ minLength: 1 }),
        fc.integer({ min: 0, max: 2_000_000_000 }),
        fc.integer({ min: -600, max: 600 }),
        fc.boolean(),
        (body, secret, t, skew, tamper) => {
          const header = sign(secret, body, t);
          const received = tamper ? body + ' ' : body;
          expect(readme(secret, header, received, 300, t + skew)).toBe(verify(secret, header, received, 300, t + skew));
          expect(readme(secret, header, body, 300, t)).toBe(true);
        },
      ),
    );
  });
});

describe('webhook back-off', () => {
  it('waits 30 s after the first failure, doubling, at most an hour', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 1000].map(retryDelayMs)).toEqual([
      30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000, 3_600_000, 3_600_000, 3_600_000, 3_600_000,
    ]);
  });
});
