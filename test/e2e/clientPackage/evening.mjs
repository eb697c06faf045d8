// A 13-year-old's Friday evening as a game installed from the npm tarball plays it, with plain `node`:
// copied into a scratch project that has only @playguard/client installed (test/e2e/clientPackage.test.ts).
// Prints one JSON line per step on stdout; the test makes the assertions.
import { createPlayGuard, isPlayGuardProblem, PlayGuardProblem } from '@playguard/client';

const base = process.env.GATEWAY_URL;
const log = (step, value) => console.log(JSON.stringify({ step, value }));
const dev = async (method, path, body) => {
  const res = await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status}`);
  return res.json();
};
const clock = (now) => dev('PUT', '/__dev/clock', { now });

const { token } = await dev('POST', '/__dev/tokens', { sub: process.env.ACCOUNT, ttlSeconds: 86400 });
const pg = createPlayGuard({ baseUrl: base, token });
await clock('2026-12-04T20:50:00+08:00');
const who = { name: '张三', idNumber: process.env.ID_NUMBER };
const submitted = await pg.identity.submit(who);
log('submit', submitted);
// Under 14: the guardian ticks the consent to the privacy policy version the answer names, and the game sends it.
if (submitted.guardianConsent.required && !submitted.guardianConsent.given) {
  log('consent', (await pg.identity.submit({ ...who, guardianConsent: { policyVersion: submitted.guardianConsent.policyVersion } })).guardianConsent);
}
const session = await pg.startSession({ deviceId: 'scratch-phone' });
log('started', session.started);
const events = [];
for (const name of ['heartbeat', 'warn', 'terminate', 'error']) session.on(name, (e) => events.push([name, e]));
const ended = new Promise((resolve) => session.on('terminate', resolve));

// The heartbeat timer runs in real time: move the virtual clock, then beat now (a game coming back to the foreground does).
await clock('2026-12-04T20:55:00+08:00');
await session.beat();
await clock('2026-12-04T21:00:00+08:00');
await session.beat();
log('terminate', await ended);
log('events', events);
log('state', { state: session.state, seq: session.seq });
try {
  await pg.startSession({ deviceId: 'scratch-phone' });
  log('relogin', 'allowed');
} catch (e) {
  log('relogin', {
    instance: e instanceof PlayGuardProblem,
    problem: isPlayGuardProblem(e),
    code: e.code,
    status: e.status,
    nextWindowStart: e.nextWindowStart,
    nextWindowEnd: e.nextWindowEnd,
    detail: e.detail,
  });
}
