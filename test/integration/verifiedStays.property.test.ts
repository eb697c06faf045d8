/**
 * Verified stays verified (docs/guardians.md "Trust model"), as a property: for any sequence of
 * submissions of a verified person's ID number by other accounts — the right name or another, a check
 * that stays in progress and is then verified or failed, the national system down or locked out (1006)
 * — with the poller running in between at any pace (up to past the 48 h limit), the person and its
 * first account stay verified, bound, with the same PI. The national system is the simulator over real
 * HTTP; storage is DynamoDB Local.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityHash } from '#shared/storage/keyedHashes';
import { pollPendingIdentities, readIdentity, submitIdentity, type IdentityDeps } from '#shared/identity/service';
import { NppaClient } from '#shared/nppa/client';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { Problem } from '#shared/problem';
import { person } from '#test/support/people';
import { freshTable, movableClock, repositories } from '#test/support/table';

const clock = movableClock('2026-10-13T09:00:00+08:00');
const simulator = new NppaSimulator({ now: clock.now, rateLimitLockoutMs: 0 });
const PEPPER = 'property-pepper';
let db: DynamoDBDocumentClient;
let deps: IdentityDeps;

beforeAll(async () => {
  const fresh = await freshTable();
  db = fresh.db;
  const { url } = await simulator.start();
  const nppa = new NppaClient({ ...simulator.clientSettings(url), now: clock.now, backoffMs: 1, timeoutMs: 2000 });
  const r = repositories(db, fresh.table);
  deps = { repo: r.identities, accounts: r.accounts, nppa, pepper: PEPPER, consent: { mode: 'attested', policyVersion: '1' } };
});
afterAll(async () => simulator.stop());

type Name = 'right' | 'wrong' | 'inProgressThenVerified' | 'inProgressThenFailed';
type System = 'up' | 'down' | 'lockedOut';
type Step = { kind: 'submit'; stranger: number; name: Name; system: System } | { kind: 'poll'; afterHours: number; system: System };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('submit' as const),
    stranger: fc.integer({ min: 0, max: 3 }),
    name: fc.constantFrom<Name>('right', 'wrong', 'inProgressThenVerified', 'inProgressThenFailed'),
    system: fc.constantFrom<System>('up', 'down', 'lockedOut'),
  }),
  fc.record({
    kind: fc.constant('poll' as const),
    afterHours: fc.constantFrom(0, 0.01, 1, 30, 49),
    system: fc.constantFrom<System>('up', 'down', 'lockedOut'),
  }),
);

const nameFor = (name: Name, right: string): string =>
  name === 'right' ? right : name === 'wrong' ? `${right}不符` : name === 'inProgressThenVerified' ? `认证中${right}` : `认证中不符${right}`;

function system(mode: System): void {
  simulator.setDown(mode === 'down' ? 'error' : 'no');
  if (mode === 'lockedOut') for (let i = 0; i < 4; i += 1) simulator.failNext(1006);
}

describe('a verified person', () => {
  it('stays verified, bound and with its PI, whatever other accounts submit and the national system answers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        clock.set('2026-10-13T09:00:00+08:00');
        simulator.reset();
        const victim = person('1990-09-09', '吴真');
        const victimAccount = `victim-${randomBytes(4).toString('hex')}`;
        const hash = identityHash(PEPPER, victim.idNumber);
        expect((await submitIdentity(deps, victimAccount, victim, clock.now())).status).toBe('verified');
        const before = await deps.repo.get(hash);
        const strangers = Array.from({ length: 4 }, () => `stranger-${randomBytes(4).toString('hex')}`);
        for (const s of steps) {
          system(s.system);
          if (s.kind === 'submit') {
            await submitIdentity(deps, strangers[s.stranger]!, { name: nameFor(s.name, victim.name), idNumber: victim.idNumber }, clock.now()).catch(
              (error: unknown) => {
                // Refusals of the stranger's own submission are its business (422, 429, 409, 503).
                if (!(error instanceof Problem)) throw error;
              },
            );
          } else {
            clock.advance(s.afterHours * 3600_000);
            await pollPendingIdentities(deps, clock.now());
          }
          simulator.setDown('no');
          const now = await deps.repo.get(hash);
          expect(now?.status).toBe('verified');
          expect(now?.pi).toBe(before!.pi);
          expect(now?.accounts).toContain(victimAccount);
          expect(await readIdentity(deps, victimAccount, clock.now())).toMatchObject({ status: 'verified' });
        }
        // And once every stranger's check is settled, still.
        clock.advance(49 * 3600_000);
        await pollPendingIdentities(deps, clock.now());
        expect((await deps.repo.get(hash))?.status).toBe('verified');
        expect(await readIdentity(deps, victimAccount, clock.now())).toMatchObject({ status: 'verified' });
      }),
      { numRuns: 20 },
    );
  });
});
