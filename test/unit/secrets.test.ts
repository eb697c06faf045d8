/** The secret document is re-read once it is older than its maximum age, so a rotated key arrives within minutes. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRET_MAX_AGE_MS, secrets } from '#shared/secrets';

describe('secrets', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.parse('2026-11-30T00:00:00Z'));
    delete process.env.SECRET_ARN;
    process.env.PEPPER = 'pepper-one-0123456789';
    process.env.NPPA_SECRET_KEY = 'aa'.repeat(16);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the document for its maximum age, then reads it again', async () => {
    const first = await secrets();
    expect(first.nppaSecretKey).toBe('aa'.repeat(16));
    process.env.NPPA_SECRET_KEY = 'bb'.repeat(16);
    vi.setSystemTime(Date.now() + SECRET_MAX_AGE_MS - 1000);
    expect(await secrets()).toBe(first);
    vi.setSystemTime(Date.now() + 2000);
    expect((await secrets()).nppaSecretKey).toBe('bb'.repeat(16));
    expect(SECRET_MAX_AGE_MS).toBe(300_000);
  });

  it('keeps what it holds when a re-read fails, and fails a container that never read it', async () => {
    vi.setSystemTime(Date.now() + SECRET_MAX_AGE_MS * 10);
    const held = await secrets();
    process.env.PEPPER = 'short';
    vi.setSystemTime(Date.now() + SECRET_MAX_AGE_MS + 1);
    expect(await secrets()).toBe(held);
    vi.resetModules();
    const fresh = await import('#shared/secrets');
    await expect(fresh.secrets()).rejects.toThrow('secrets could not be loaded: ZodError');
  });
});
