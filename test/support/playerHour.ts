/**
 * One player-hour as a game client plays it against a local gateway: verify, log in, heartbeat on
 * exactly the intervals the server chooses (moving the virtual clock), log out at the end of the
 * hour or when told to stop. Counts the HTTP requests, the DynamoDB write units the gateway's writes
 * are billed (test/support/ddbCounter.ts: computed from each item's images by DynamoDB's rules, table
 * and indexes, a transaction's items twice) and the read units its reads consumed: the cost model's
 * inputs (test/bench/cost.ts), asserted by test/e2e/writeUnits.test.ts and printed by `npm run bench`.
 */
import { ddbCallCounter } from '#test/support/ddbCounter';
import type { client } from '#test/support/gateway';
import { person } from '#test/support/people';

export interface PlayedHour {
  /** Seconds after login of each heartbeat. */
  heartbeatsAt: number[];
  /** Login + heartbeats + logout. */
  httpRequests: number;
  /** Write units of the login, of each heartbeat, and of the logout (the end of play included). */
  units: { login: number; heartbeats: number[]; logout: number; total: number };
  /** Read units of the same requests (strongly consistent reads: 1 per 4 KB). */
  readUnits: number;
  lastAction: string;
  /** The session played (its id places its sweeper index entry's 10-minute grid). */
  sessionId: string;
  /** Epoch milliseconds of the login. */
  startMs: number;
}

export async function playOneHour(api: ReturnType<typeof client>, sub: string, birthDate: string, startIso: string): Promise<PlayedHour> {
  const start = Date.parse(startIso);
  await api.setClock(startIso);
  const token = await api.token(sub);
  const verified = await api.call('POST', '/v1/identity', { token, body: person(birthDate) });
  if (verified.status !== 200) throw new Error(`identity: ${verified.status}`);
  let readUnits = 0;
  const measured = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
    const before = ddbCallCounter.writeUnits;
    const readBefore = ddbCallCounter.readUnits;
    ddbCallCounter.measureCapacity = true;
    try {
      return [await fn(), ddbCallCounter.writeUnits - before];
    } finally {
      ddbCallCounter.measureCapacity = false;
      readUnits += ddbCallCounter.readUnits - readBefore;
    }
  };
  const [login, loginUnits] = await measured(() => api.call('POST', '/v1/sessions', { token, body: { deviceId: `hour-${sub}` } }));
  if (login.status !== 201) throw new Error(`login: ${login.status} ${JSON.stringify(login.body)}`);
  const heartbeatsAt: number[] = [];
  const heartbeatUnits: number[] = [];
  let at = login.body.heartbeatIntervalSeconds as number;
  let lastAction = 'continue';
  while (at <= 3600) {
    await api.setClock(new Date(start + at * 1000).toISOString());
    const [beat, units] = await measured(() =>
      api.call('POST', `/v1/sessions/${login.body.sessionId}/heartbeat`, { token, body: { seq: heartbeatsAt.length + 1 } }),
    );
    if (beat.status !== 200) throw new Error(`heartbeat: ${beat.status}`);
    heartbeatsAt.push(at);
    heartbeatUnits.push(units);
    lastAction = beat.body.action;
    if (lastAction === 'terminate') break;
    at += beat.body.nextHeartbeatSeconds as number;
  }
  await api.setClock(new Date(start + Math.min(at, 3600) * 1000).toISOString());
  const [logout, logoutUnits] = await measured(() => api.call('DELETE', `/v1/sessions/${login.body.sessionId}`, { token }));
  if (logout.status !== 204) throw new Error(`logout: ${logout.status}`);
  const beatsTotal = heartbeatUnits.reduce((a, b) => a + b, 0);
  return {
    heartbeatsAt,
    httpRequests: 1 + heartbeatsAt.length + 1,
    units: { login: loginUnits, heartbeats: heartbeatUnits, logout: logoutUnits, total: loginUnits + beatsTotal + logoutUnits },
    readUnits,
    lastAction,
    sessionId: login.body.sessionId as string,
    startMs: start,
  };
}
