// Type-checks the installed package as an ES module consumer (moduleResolution nodenext).
import { createPlayGuard, PlayGuardProblem, tapCompat, type SessionEvents } from '@playguard/client';
import { mountPrompts } from '@playguard/client/prompts';

const pg = createPlayGuard({ baseUrl: 'https://api.example.cn', token: () => 'token' });
const prompts = mountPrompts(document.body);
const tap = tapCompat(pg, { deviceId: 'd', realName: (submit) => prompts.realNameForm(submit) });
tap.registerComplianceCallback((code: number) => console.log(code));
export async function play(): Promise<number | null> {
  try {
    const session = await pg.startSession({ deviceId: 'phone' });
    session.on('warn', (w: SessionEvents['warn']) => prompts.warn(w.remainingSeconds ?? 0));
    return session.remainingSeconds;
  } catch (e) {
    if (e instanceof PlayGuardProblem && e.code === 'play_time_restricted') return e.nextWindowStart === null ? 0 : 1;
    // @ts-expect-error session_not_found carries no next window
    if (e instanceof PlayGuardProblem && e.code === 'session_not_found') return e.nextWindowStart;
    throw e;
  }
}
