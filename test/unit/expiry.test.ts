/** The TTL attribute helper (shared/storage/expiry.ts): logical expiry + a day, never before real now + a day. */
import { describe, expect, it } from 'vitest';
import { TTL_MARGIN_SECONDS, ttlAttribute } from '#shared/storage/expiry';

const REAL_NOW = Date.parse('2026-11-30T12:00:00.000Z'); // 1_796_040_000_000

describe('ttlAttribute', () => {
  it('keeps a day of margin', () => {
    expect(TTL_MARGIN_SECONDS).toBe(86_400);
  });

  it('is the logical expiry plus the margin when the logical expiry is still ahead of the real clock (deployed)', () => {
    // A reservation made at the real now, released 15 min later: TTL a day after that.
    expect(ttlAttribute(REAL_NOW + 900_000, REAL_NOW)).toBe(1_796_040_900 + 86_400);
    expect(ttlAttribute(REAL_NOW + 180 * 86_400_000, REAL_NOW)).toBe(1_796_040_000 + 180 * 86_400 + 86_400);
  });

  it('never lies before the real clock plus the margin (a virtual clock set months back)', () => {
    const virtualNow = Date.parse('2026-03-02T02:00:00.000Z');
    // Logical expiry 40 days after the virtual now is still in the real past: the real clock decides.
    expect(ttlAttribute(virtualNow + 40 * 86_400_000, REAL_NOW)).toBe(1_796_040_000 + 86_400);
    expect(ttlAttribute(0, REAL_NOW)).toBe(1_796_040_000 + 86_400);
  });

  it('rounds a partial second up, so the item lives at least the whole margin', () => {
    expect(ttlAttribute(REAL_NOW + 1, REAL_NOW)).toBe(1_796_040_001 + 86_400);
    expect(ttlAttribute(REAL_NOW - 1, REAL_NOW + 999)).toBe(1_796_040_001 + 86_400);
    expect(ttlAttribute(REAL_NOW, REAL_NOW)).toBe(1_796_040_000 + 86_400);
  });

  it('reads the real clock (Date.now), not the gateway clock, when none is given', () => {
    const before = Date.now();
    const value = ttlAttribute(0);
    const after = Date.now();
    expect(value).toBeGreaterThanOrEqual(Math.ceil(before / 1000) + 86_400);
    expect(value).toBeLessThanOrEqual(Math.ceil(after / 1000) + 86_400);
  });
});
