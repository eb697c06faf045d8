/**
 * The C# client (packages/unity, compiled with Mono's mcs) plays a 13-year-old's Friday evening against
 * the local gateway over real HTTP (HttpClientTransport, the default scheduler): the guardian's
 * consent asked for and given at the real-name step, login at 20:50 on
 * the virtual clock, the 5-minute warning at 20:55 (after a pause and resume, as a game going to
 * the background and back does), terminated at 21:00 with Saturday's window, the login refused
 * until then; then a C# game server's payments for that minor. The program
 * (packages/unity/Tests~/Evening.cs) prints what it saw; the assertions are here.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBLEMS } from '#shared/problem';
import { deployed, useGateway } from '#test/support/gateway';
import { haveMono, mcs, mono, monoMissing, portableRuntime, sources } from '#test/support/mono';
import { person } from '#test/support/people';

const dir = mkdtempSync(join(tmpdir(), 'unity-evening-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!haveMono || deployed)(haveMono ? 'the C# client against the gateway' : `the C# client against the gateway — skipped: ${monoMissing}`, () => {
  const t = useGateway();

  it("plays a minor's Friday evening: 20:50 login, warned at 20:55, stopped at 21:00 with Saturday's " +
    "window, login refused; the game server's payments", async () => {
    expect(await mcs(join(dir, 'Evening.exe'), [...portableRuntime(), ...sources('Tests~', (f) => f.endsWith('Evening.cs'))])).toBe('');
    const { stdout, stderr, code } = await mono(join(dir, 'Evening.exe'), [t.gateway.url, 'unity-minor', person('2013-01-10').idNumber]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const seen = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { step: string; value: unknown })
        .map((l) => [l.step, l.value]),
    ) as Record<string, any>;
    // 13: the consent step first (2019 Children's PI Regulations Arts. 9–10), then play.
    expect(seen.submit).toEqual({ status: 'verified', ageBand: 8, minor: true, askGuardian: true, policyVersion: '1' });
    expect(seen.consentRefused).toEqual({ code: 'guardian_consent_required', policyVersion: '1', consent: 'attested' });
    expect(seen.consented).toEqual({ required: true, given: true });
    const left = seen.started.remainingSeconds as number;
    expect(left).toBeGreaterThanOrEqual(590);
    expect(left).toBeLessThanOrEqual(600);
    // Past the 15-minute mark already: the first heartbeat is due on the 5-minute warning.
    expect(seen.started).toEqual({
      remainingSeconds: left,
      endsAt: '2026-12-04T21:00:00+08:00',
      heartbeatIntervalSeconds: left - 300,
      ageBand: 8,
      minor: true,
      gameId: 'default',
    });
    const [beat, warn, last] = seen.events as Array<Array<unknown>>;
    expect(beat!.slice(0, 2)).toEqual(['heartbeat', 'warn']);
    const at2055 = beat![2] as number;
    expect(at2055).toBeGreaterThanOrEqual(290);
    expect(at2055).toBeLessThanOrEqual(300);
    expect(beat).toEqual(['heartbeat', 'warn', at2055, at2055, 1, '2026-12-04T21:00:00+08:00']);
    expect(warn).toEqual(['warn', at2055]);
    expect(last).toEqual(['heartbeat', 'terminate', 0, (last as unknown[])[3], 2, null]);
    expect(seen.events).toHaveLength(3);
    expect(seen.terminate).toEqual({
      reason: 'outside_allowed_hours',
      nextWindowStart: '2026-12-05T20:00:00+08:00',
      nextWindowEnd: '2026-12-05T21:00:00+08:00',
    });
    expect(seen.state).toEqual({ state: 'Terminated', seq: 2 });
    expect(seen.relogin).toEqual({
      code: 'play_time_restricted',
      enum: 'PlayTimeRestricted',
      status: 403,
      nextWindowStart: '2026-12-05T20:00:00+08:00',
      nextWindowEnd: '2026-12-05T21:00:00+08:00',
      limit: null,
      limitAmount: null,
      remainingAmount: null,
      detail: seen.relogin.detail,
    });
    expect(seen.overLimit).toEqual({
      code: 'spending_limit_exceeded',
      enum: 'SpendingLimitExceeded',
      status: 403,
      nextWindowStart: null,
      nextWindowEnd: null,
      limit: 'single',
      limitAmount: 5000,
      remainingAmount: 5000,
      detail: PROBLEMS.spending_limit_exceeded.detail,
    });
    expect(seen.payment).toEqual(['reserved', 'committed', 'committed']);
    expect(seen.limits).toEqual({ allowedNow: false, singleMax: 5000, monthlyRemaining: 20000 - 600, nextWindowStart: '2026-12-05T20:00:00+08:00' });
  }, 120_000);
});
