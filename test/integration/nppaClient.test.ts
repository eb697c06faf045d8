/** The NPPA client against the simulator over real HTTP: every status and every class of error. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NppaClient, NppaConfigurationError, NppaPaced, NppaRejected, NppaUnavailable, newAttemptId, type NppaConfig } from '#shared/nppa/client';
import { encryptBody, signRequest } from '#shared/nppa/crypto';
import { piPrefixForBirthDate } from '#infra/local/nppaPi';
import { NppaSimulator } from '#infra/local/nppaSimulator';
import { idNumberFor } from '#test/support/people';

/** A clock that moves only when told: each test starts a fresh second, so per-second rate limits never carry over. */
const clock = (() => {
  let nowMs = Date.parse('2026-10-02T10:00:00.250+08:00');
  return { now: () => nowMs, advance: (ms: number) => void (nowMs += ms) };
})();
const simulator = new NppaSimulator({ now: clock.now });
let url: string;
const OTHER_KEY = 'ffffffffffffffffffffffffffffffff';

const clientWith = (overrides: Partial<NppaConfig> = {}) =>
  new NppaClient({
    ...simulator.clientSettings(url),
    now: clock.now,
    backoffMs: 5,
    ...overrides,
  });

/** A fetch that records what the client sent, then sends it. */
const recordingFetch = () => {
  const sent: Array<{ url: string; method: string; headers: Record<string, string>; body: string | undefined }> = [];
  const f: typeof fetch = async (input, init) => {
    sent.push({
      url: String(input),
      method: String(init?.method),
      headers: { ...(init?.headers as Record<string, string>) },
      body: init?.body as string | undefined,
    });
    return fetch(input, init);
  };
  return { sent, fetch: f };
};

/** A fetch that answers `body` without any network. */
const answering =
  (body: string, status = 200): typeof fetch =>
  async () =>
    new Response(body, { status, headers: { 'content-type': 'application/json' } });

const callsTo = async (endpoint: 'check' | 'query' | 'loginout', action: () => Promise<unknown>) => {
  const before = simulator.calls[endpoint];
  const outcome: { value?: unknown; error?: unknown } = await action().then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  return { ...outcome, calls: simulator.calls[endpoint] - before };
};

beforeAll(async () => {
  ({ url } = await simulator.start());
});
afterAll(async () => simulator.stop());
beforeEach(() => {
  clock.advance(1000);
  simulator.setDown('no');
  simulator.setGarbage(false);
  simulator.failItems(null);
});

describe('check and query', () => {
  it('verifies a valid identity with a PI whose first 6 characters encode the birth date', async () => {
    const r = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('2010-01-01') });
    expect(r.status).toBe('verified');
    expect(r.status === 'verified' && r.pi.slice(0, 6)).toBe('1hpfml');
    expect(r.status === 'verified' && r.pi).toHaveLength(38);
  });

  it('gives the same person the same PI on every check', async () => {
    const idNum = idNumberFor('1995-05-05');
    const a = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum });
    const b = await clientWith().check({ ai: newAttemptId(), name: '张三', idNum });
    expect(a).toEqual(b);
  });

  it('fails a name containing 不符', async () => {
    expect(await clientWith().check({ ai: newAttemptId(), name: '李不符', idNum: idNumberFor('1990-01-01') })).toEqual({ status: 'failed' });
  });

  it('keeps 某二… in progress until queried 5 s or more after the check', async () => {
    const ai = newAttemptId();
    const c = clientWith();
    expect(await c.check({ ai, name: '某二一', idNum: idNumberFor('1990-02-02') })).toEqual({ status: 'pending' });
    expect(await c.query(ai)).toEqual({ status: 'pending' });
    clock.advance(4999);
    expect(await c.query(ai)).toEqual({ status: 'pending' });
    clock.advance(1);
    const r = await c.query(ai);
    expect(r.status).toBe('verified');
    expect(r.status === 'verified' && r.pi.slice(0, 6)).toBe(piPrefixForBirthDate('1990-02-02'));
  });

  it('keeps a name containing 认证中 in progress too', async () => {
    expect(await clientWith().check({ ai: newAttemptId(), name: '王认证中', idNum: idNumberFor('1990-02-03') })).toEqual({ status: 'pending' });
  });

  it('answers a query with the stored result: verified with its PI, failed as failed', async () => {
    const c = clientWith();
    const verifiedAi = newAttemptId();
    const checked = await c.check({ ai: verifiedAi, name: '张三', idNum: idNumberFor('1990-09-09') });
    expect(await c.query(verifiedAi)).toEqual(checked);
    const failedAi = newAttemptId();
    await c.check({ ai: failedAi, name: '李不符', idNum: idNumberFor('1990-09-09') });
    expect(await c.query(failedAi)).toEqual({ status: 'failed' });
  });

  it('refuses a reused ai (2004) and an unknown ai (2003) as data errors', async () => {
    const ai = newAttemptId();
    const c = clientWith();
    await c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-03') });
    await expect(c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-03') })).rejects.toMatchObject({ name: 'NppaRejected', errcode: 2004 });
    const unknown = await c.query(newAttemptId()).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NppaRejected);
    expect(unknown).toMatchObject({ errcode: 2003 });
  });

  it('deletes a result 300 s after its first successful query, freeing the ai', async () => {
    const ai = newAttemptId();
    const c = clientWith();
    await c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-04') });
    await c.query(ai);
    clock.advance(299_000);
    expect((await c.query(ai)).status).toBe('verified');
    clock.advance(1000);
    await expect(c.query(ai)).rejects.toMatchObject({ errcode: 2003 });
    expect((await c.check({ ai, name: '张三', idNum: idNumberFor('1990-03-04') })).status).toBe('verified');
  });

  it('refuses an ID number the national system cannot parse (2001) as a data error', async () => {
    await expect(clientWith().check({ ai: newAttemptId(), name: '张三', idNum: '11010119900101001' })).rejects.toMatchObject({
      name: 'NppaRejected',
      errcode: 2001,
    });
    await expect(clientWith().check({ ai: newAttemptId(), name: '张三', idNum: '110101199001010010' })).rejects.toMatchObject({
      name: 'NppaRejected',
      errcode: 2001,
    });
  });
});

describe('the requests on the wire', () => {
  it('POSTs check with the JSON content type, the epoch-ms timestamps of the injected clock and an encrypted body', async () => {
    const { sent, fetch } = recordingFetch();
    await clientWith({ fetch }).check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1991-01-01') });
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.headers['Content-Type']).toBe('application/json; charset=utf-8');
    expect(request?.headers.timestamps).toBe(String(clock.now()));
    expect(request?.headers.appId).toBe(simulator.appId);
    expect(request?.headers.bizId).toBe(simulator.bizId);
    expect(Object.keys(JSON.parse(request!.body!))).toEqual(['data']);
    expect(request?.body).not.toContain('张三');
  });

  it('GETs query with no body, no content type, the ai once, and a signature over an empty body', async () => {
    const { sent, fetch } = recordingFetch();
    const ai = newAttemptId();
    await clientWith({ fetch, queryUrl: `${url}/idcard/authentication/query?ai=stale` })
      .query(ai)
      .catch(() => undefined);
    const [request] = sent;
    expect(request?.method).toBe('GET');
    expect(request?.body).toBeUndefined();
    expect(request?.headers['Content-Type']).toBeUndefined();
    expect(request?.url).toBe(`${url}/idcard/authentication/query?ai=${ai}`);
    const headers = { appId: simulator.appId, bizId: simulator.bizId, timestamps: request!.headers.timestamps! };
    expect(request?.headers.sign).toBe(signRequest({ secretKey: simulator.secretKey, headers, query: { ai }, body: '' }));
  });

  it('asks the limiter for one permit per request, named by endpoint', async () => {
    const permits: string[] = [];
    const limiter = { acquire: async (endpoint: 'check' | 'query' | 'loginout') => void permits.push(endpoint) };
    const c = clientWith({ limiter });
    const ai = newAttemptId();
    simulator.failNext(1001, 'check');
    await c.check({ ai, name: '张三', idNum: idNumberFor('1991-02-02') });
    await c.query(ai);
    await c.loginout([{ no: 1, si: 's', bt: 1, ot: Math.floor(clock.now() / 1000) - 1, ct: 2, di: 'd' }]);
    expect(permits).toEqual(['check', 'check', 'query', 'loginout']);
  });

  it('takes a check pace permit for every check request, a retry too, and sends nothing once none is left (NppaPaced, not retried)', async () => {
    let left = 2;
    const asked: string[] = [];
    const c = clientWith({ checkPace: { tryAcquire: async () => (asked.push('permit'), left-- > 0) } });
    simulator.failNext(1001, 'check');
    const first = await callsTo('check', () => c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1991-03-03') }));
    expect(first).toMatchObject({ value: { status: 'verified' }, calls: 2 });
    expect(asked).toHaveLength(2);
    const paced = await callsTo('check', () => c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1991-03-03') }));
    expect(paced.error).toBeInstanceOf(NppaPaced);
    expect(paced.error).toBeInstanceOf(NppaUnavailable);
    expect(paced.calls).toBe(0);
    expect(asked).toHaveLength(3);
    // The pace is for checks only: a query and a report pass without a permit.
    const ai = newAttemptId();
    expect((await callsTo('query', () => c.query(ai))).calls).toBe(1);
    expect(asked).toHaveLength(3);
  });
});

describe('errors', () => {
  it('retries a 1001 system error and succeeds', async () => {
    simulator.failNext({ errcode: 1001, endpoint: 'check' });
    const r = await callsTo('check', () => clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-04-04') }));
    expect(r).toMatchObject({ value: { status: 'verified' }, calls: 2 });
  });

  it('gives up after two retries with exponential backoff', async () => {
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) simulator.failNext(1001, 'query');
    const r = await callsTo('query', () => clientWith({ sleep: async (ms) => void waits.push(ms) }).query(newAttemptId()));
    expect(r.error).toBeInstanceOf(NppaUnavailable);
    expect(r.error).toMatchObject({ errcode: 1001 });
    expect(r.calls).toBe(3);
    expect(waits).toEqual([5, 10]);
  });

  it('starts no retry that could not finish before the deadline', async () => {
    simulator.failNext(1001, 'query');
    const r = await callsTo('query', () => clientWith({ deadlineMs: 1000, timeoutMs: 1000 }).query(newAttemptId()));
    expect(r).toMatchObject({ error: { name: 'NppaUnavailable', errcode: 1001 }, calls: 1 });
  });

  it('surfaces a 1006 rate limit as unavailable with a minute to wait, without retrying inline', async () => {
    simulator.failNext(1006, 'check');
    const r = await callsTo('check', () => clientWith().check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-05-05') }));
    expect(r.error).toBeInstanceOf(NppaUnavailable);
    expect((r.error as NppaUnavailable).retryAfterSeconds).toBe(60);
    expect(r.calls).toBe(1);
  });

  it('answers 1006 when more than the per-second limit arrive', async () => {
    const strict = new NppaSimulator({ now: clock.now, rateLimits: { check: 5, query: 300, loginout: 10 } });
    const { url: strictUrl } = await strict.start();
    try {
      const c = clientWith({ ...strict.clientSettings(strictUrl) });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () => c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-06-06') })),
      );
      const limited = results.filter((r) => r.status === 'rejected' && r.reason instanceof NppaUnavailable && r.reason.errcode === 1006).length;
      expect(limited).toBe(3);
      expect(strict.rateLimited.check).toBe(3);
    } finally {
      await strict.stop();
    }
  });

  it('keeps answering 1006 for a minute once a limit is exceeded (the default, as the national system does)', async () => {
    const strict = new NppaSimulator({ now: clock.now, rateLimits: { check: 100, query: 1, loginout: 10 } });
    const { url: strictUrl } = await strict.start();
    try {
      const c = new NppaClient({ ...strict.clientSettings(strictUrl), now: clock.now });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 1006 });
      clock.advance(30_000);
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 1006 });
      clock.advance(31_000);
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
    } finally {
      await strict.stop();
    }
  });

  it('refuses only the excess of that second with rateLimitLockoutMs: 0', async () => {
    const strict = new NppaSimulator({ now: clock.now, rateLimits: { check: 100, query: 1, loginout: 10 }, rateLimitLockoutMs: 0 });
    const { url: strictUrl } = await strict.start();
    try {
      const c = new NppaClient({ ...strict.clientSettings(strictUrl), now: clock.now });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 1006 });
      clock.advance(1000);
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
      expect(strict.rateLimited.query).toBe(1);
    } finally {
      await strict.stop();
    }
  });

  it('locks out only from the refusal on: a clock moved back before it is not locked out', async () => {
    const strict = new NppaSimulator({ now: clock.now, rateLimits: { check: 100, query: 1, loginout: 10 } });
    const { url: strictUrl } = await strict.start();
    try {
      const c = new NppaClient({ ...strict.clientSettings(strictUrl), now: clock.now });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 1006 });
      clock.advance(-10_000);
      await expect(c.query(newAttemptId())).rejects.toMatchObject({ errcode: 2003 });
      clock.advance(10_000);
    } finally {
      await strict.stop();
    }
  });

  it('retries an expired request (1007) once with a fresh timestamp', async () => {
    simulator.failNext(1007, 'query');
    const once = await callsTo('query', () => clientWith().query(newAttemptId()));
    expect(once).toMatchObject({ error: { errcode: 2003 }, calls: 2 });
    simulator.failNext(1007, 'query');
    simulator.failNext(1007, 'query');
    const twice = await callsTo('query', () => clientWith().query(newAttemptId()));
    expect(twice).toMatchObject({ error: { name: 'NppaUnavailable', errcode: 1007 }, calls: 2 });
  });

  it('gets 1007 from a clock more than 5 s behind the national system', async () => {
    const r = await callsTo('query', () => clientWith({ now: () => clock.now() - 6000 }).query(newAttemptId()));
    expect(r).toMatchObject({ error: { name: 'NppaUnavailable', errcode: 1007 }, calls: 2 });
  });

  it('treats a wrong secret key (1012) as a configuration error, never retried', async () => {
    const r = await callsTo('check', () =>
      clientWith({ secretKeys: [OTHER_KEY] }).check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-07-07') }),
    );
    expect(r).toMatchObject({ error: { name: 'NppaConfigurationError', errcode: 1012 }, calls: 1 });
  });

  it('refuses a malformed secret key before sending anything', async () => {
    const r = await callsTo('check', () =>
      clientWith({ secretKeys: ['not-a-key'] }).check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-07-08') }),
    );
    expect(r).toMatchObject({ error: { name: 'NppaConfigurationError', errcode: 1012 }, calls: 0 });
    expect(String((r as { error: Error }).error.message)).not.toContain('not-a-key');
  });

  it('accepts the previous key during rotation: [new, old] against a system holding old', async () => {
    const r = await callsTo('check', () =>
      clientWith({ secretKeys: [OTHER_KEY, simulator.secretKey] }).check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-08-08') }),
    );
    expect(r).toMatchObject({ value: { status: 'verified' }, calls: 2 });
  });

  it('tries the previous key only once when neither is accepted', async () => {
    const r = await callsTo('query', () => clientWith({ secretKeys: [OTHER_KEY, 'eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee'] }).query(newAttemptId()));
    expect(r).toMatchObject({ error: { name: 'NppaConfigurationError', errcode: 1012 }, calls: 2 });
  });

  it.each([
    ['a wrong appId', { appId: 'nobody' }, 1008],
    ['a wrong bizId', { bizId: 'nobody' }, 1011],
  ])('treats %s as a configuration error', async (_name, overrides, errcode) => {
    const r = await callsTo('query', () => clientWith(overrides).query(newAttemptId()));
    expect(r.error).toBeInstanceOf(NppaConfigurationError);
    expect(r).toMatchObject({ error: { errcode }, calls: 1 });
  });

  it.each([1002, 1003, 1004, 1005, 1009, 1010])('treats errcode %i as a configuration error, never retried', async (errcode) => {
    simulator.failNext(errcode, 'query');
    const r = await callsTo('query', () => clientWith().query(newAttemptId()));
    expect(r).toMatchObject({ error: { name: 'NppaConfigurationError', errcode }, calls: 1 });
  });

  it('treats a wrong path (1002, HTTP 404) as a configuration error', async () => {
    await expect(clientWith({ queryUrl: `${url}/idcard/nothing` }).query(newAttemptId())).rejects.toMatchObject({
      name: 'NppaConfigurationError',
      errcode: 1002,
    });
  });

  it('treats garbage, 5xx and timeouts as unavailable, after the retries', async () => {
    simulator.setGarbage(true);
    await expect(clientWith().query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
    simulator.setGarbage(false);
    simulator.setDown(true);
    await expect(clientWith().query(newAttemptId())).rejects.toMatchObject({ name: 'NppaUnavailable', errcode: null });
    simulator.setDown('hang');
    const started = Date.now();
    await expect(clientWith({ timeoutMs: 200 }).query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3 * 200 - 50);
  });

  it("measures its deadline in real time, not on the gateway's clock: a virtual clock held still does not let retries run past it", async () => {
    // A national system that never answers, each attempt given up after 500 ms of real time: with
    // 1.2 s to spend, a second attempt fits and a third does not — also when the clock the
    // timestamps come from stands still (the local gateway's held clock).
    simulator.setDown('hang');
    const held = clock.now();
    const { sent, fetch: recording } = recordingFetch();
    await expect(clientWith({ now: () => held, fetch: recording, timeoutMs: 500, deadlineMs: 1200 }).query(newAttemptId())).rejects.toBeInstanceOf(
      NppaUnavailable,
    );
    expect(sent).toHaveLength(2);
  });

  it('recovers when the system comes back between retries', async () => {
    simulator.setDown('error');
    const c = clientWith({ sleep: async () => simulator.setDown('no') });
    expect((await c.check({ ai: newAttemptId(), name: '张三', idNum: idNumberFor('1990-10-10') })).status).toBe('verified');
  });

  it.each([
    ['a JSON answer without errcode', '{"hello":1}'],
    ['verified without a PI', '{"errcode":0,"errmsg":"OK","data":{"result":{"status":0}}}'],
    ['an unknown status', '{"errcode":0,"errmsg":"OK","data":{"result":{"status":7}}}'],
    ['an errcode outside the specification', '{"errcode":9999,"errmsg":"?"}'],
    ['JSON null', 'null'],
  ])('treats %s as unavailable', async (_name, body) => {
    await expect(clientWith({ fetch: answering(body), sleep: async () => undefined }).query(newAttemptId())).rejects.toBeInstanceOf(NppaUnavailable);
  });
});

describe('loginout', () => {
  const nowS = () => Math.floor(clock.now() / 1000);
  const pi = '1hpfml09b57f3f8185f8cb5094ea3f26278efb';

  it('delivers a batch of logins and logouts and records each item once', async () => {
    const before = simulator.receivedLoginouts.length;
    const items = [
      { no: 1, si: 'sess-a', bt: 1 as const, ot: nowS() - 120, ct: 0 as const, pi },
      { no: 2, si: 'sess-a', bt: 0 as const, ot: nowS() - 1, ct: 0 as const, pi },
      { no: 3, si: 'sess-g', bt: 1 as const, ot: nowS() - 1, ct: 2 as const, di: 'device-1' },
    ];
    expect(await clientWith().loginout(items)).toEqual({ failed: [] });
    expect(simulator.receivedLoginouts.slice(before)).toEqual(items.map((i) => ({ ...i, bizId: simulator.bizId })));
  });

  it('answers 3003 for 129 items and 3002 for none, as data errors', async () => {
    const items = Array.from({ length: 129 }, (_, i) => ({ no: i + 1, si: `s${i}`, bt: 1 as const, ot: nowS() - 5, ct: 0 as const, pi }));
    await expect(clientWith().loginout(items)).rejects.toMatchObject({ name: 'NppaRejected', errcode: 3003 });
    await expect(clientWith().loginout([])).rejects.toMatchObject({ name: 'NppaRejected', errcode: 3002 });
    expect(await clientWith().loginout(items.slice(0, 128))).toEqual({ failed: [] });
  });

  it('reports an event older than 180 s item by item (3001 with 3005)', async () => {
    const r = await clientWith().loginout([{ no: 1, si: 'old', bt: 1, ot: nowS() - 180, ct: 0, pi }]);
    expect(r.failed).toEqual([{ no: 1, errcode: 3005, errmsg: 'bad time' }]);
    expect((await clientWith().loginout([{ no: 1, si: 'recent', bt: 1, ot: nowS() - 179, ct: 0, pi }])).failed).toEqual([]);
  });

  it('refuses event times in milliseconds or not before the request (3005)', async () => {
    const ms = await clientWith().loginout([{ no: 1, si: 'ms', bt: 1, ot: clock.now() - 5000, ct: 0, pi }]);
    expect(ms.failed).toEqual([{ no: 1, errcode: 3005, errmsg: 'bad time' }]);
    const future = await clientWith().loginout([{ no: 1, si: 'future', bt: 1, ot: nowS() + 1, ct: 0, pi }]);
    expect(future.failed).toEqual([{ no: 1, errcode: 3005, errmsg: 'bad time' }]);
  });

  it('lists only the failed items of a partial failure, each with its code', async () => {
    const before = simulator.receivedLoginouts.length;
    const r = await clientWith().loginout([
      { no: 1, si: 'a', bt: 1, ot: nowS() - 5, ct: 0, pi },
      { no: 2, si: 'b', bt: 0, ot: nowS() - 4, ct: 0 },
      { no: 3, si: 'c', bt: 0, ot: nowS() - 4, ct: 0, pi: 'not-a-pi' },
      { no: 4, si: 'd', bt: 0, ot: nowS() - 4, ct: 2 },
      { no: 5, si: 'e', bt: 2 as 0, ot: nowS() - 4, ct: 0, pi },
      { no: 6, si: 'f', bt: 1, ot: nowS() - 4, ct: 1 as 0, pi },
      { no: 8, si: 'g', bt: 1, ot: nowS() - 4, ct: 0, pi },
    ]);
    expect(r.failed).toEqual([
      { no: 2, errcode: 3008, errmsg: 'pi missing' },
      { no: 3, errcode: 3010, errmsg: 'pi invalid' },
      { no: 4, errcode: 3009, errmsg: 'di missing' },
      { no: 5, errcode: 3007, errmsg: 'bad bt' },
      { no: 6, errcode: 3006, errmsg: 'bad ct' },
      { no: 8, errcode: 3004, errmsg: 'bad no' },
    ]);
    expect(simulator.receivedLoginouts.slice(before).map((i) => i.si)).toEqual(['a']);
  });

  it('lets a test fail chosen items (the failure-injection hook)', async () => {
    simulator.failItems((item) => (item.si === 'unlucky' ? 1001 : null));
    const r = await clientWith().loginout([
      { no: 1, si: 'lucky', bt: 1, ot: nowS() - 5, ct: 0, pi },
      { no: 2, si: 'unlucky', bt: 1, ot: nowS() - 5, ct: 0, pi },
    ]);
    expect(r.failed).toEqual([{ no: 2, errcode: 1001, errmsg: 'injected' }]);
  });

  it('treats a 3001 that names no failed items as unavailable (nothing can be settled)', async () => {
    await expect(
      clientWith({ fetch: answering('{"errcode":3001,"errmsg":"partial"}') }).loginout([{ no: 1, si: 'x', bt: 1, ot: nowS() - 5, ct: 0, pi }]),
    ).rejects.toMatchObject({ name: 'NppaUnavailable', errcode: 3001 });
    await expect(
      clientWith({ fetch: answering('{"errcode":3001,"errmsg":"partial","data":""}') }).loginout([{ no: 1, si: 'x', bt: 1, ot: nowS() - 5, ct: 0, pi }]),
    ).rejects.toMatchObject({ name: 'NppaUnavailable', errcode: 3001 });
  });

  it('answers a successful report with the specification\'s example shape, "data": ""', async () => {
    const { sent, fetch: recording } = recordingFetch();
    let answer = '';
    const f: typeof fetch = async (input, init) => {
      const res = await recording(input, init);
      answer = await res.clone().text();
      return res;
    };
    expect(await clientWith({ fetch: f }).loginout([{ no: 1, si: 'shape', bt: 1, ot: nowS() - 5, ct: 0, pi }])).toEqual({ failed: [] });
    expect(sent).toHaveLength(1);
    expect(answer).toBe('{"errcode":0,"errmsg":"OK","data":""}');
  });

  it.each([
    ['"data": ""', '{"errcode":0,"errmsg":"OK","data":""}'],
    ['no data', '{"errcode":0,"errmsg":"OK"}'],
    ['"data": null', '{"errcode":0,"errmsg":"OK","data":null}'],
    ['"data": {}', '{"errcode":0,"errmsg":"OK","data":{}}'],
  ])('accepts a successful report with %s', async (_name, body) => {
    expect(await clientWith({ fetch: answering(body) }).loginout([{ no: 1, si: 'x', bt: 1, ot: nowS() - 5, ct: 0, pi }])).toEqual({ failed: [] });
  });

  it('treats a check answered with "data": "" as unavailable (no result in it)', async () => {
    await expect(
      clientWith({ fetch: answering('{"errcode":0,"errmsg":"OK","data":""}'), sleep: async () => undefined }).check({
        ai: newAttemptId(),
        name: '张三',
        idNum: idNumberFor('1990-01-01'),
      }),
    ).rejects.toMatchObject({ name: 'NppaUnavailable', errcode: null });
  });
});

describe('the simulator refuses malformed requests', () => {
  const raw = (path: string, init: RequestInit) => fetch(`${url}${path}`, init).then((r) => r.json() as Promise<{ errcode: number }>);
  const signedHeaders = (body: string) => {
    const headers = { appId: simulator.appId, bizId: simulator.bizId, timestamps: String(clock.now()) };
    return { ...headers, sign: signRequest({ secretKey: simulator.secretKey, headers, body }) };
  };

  it('answers 1004 when a core header is missing', async () => {
    const { sign: _sign, ...headers } = signedHeaders('');
    expect(await raw('/idcard/authentication/query?ai=x', { headers })).toMatchObject({ errcode: 1004 });
  });

  it('answers 1003 for the wrong method (a report sent with GET)', async () => {
    expect(await raw('/behavior/collection/loginout', { headers: signedHeaders('') })).toMatchObject({ errcode: 1003 });
  });

  it('answers 1012 for a body that is not an encrypted payload', async () => {
    const body = JSON.stringify({ data: 'bm90IGVuY3J5cHRlZA==' });
    expect(await raw('/idcard/authentication/check', { method: 'POST', body, headers: signedHeaders(body) })).toMatchObject({ errcode: 1012 });
  });

  /** A check payload in standard base64 whose encoding has what `want` asks for (retried with fresh IVs). */
  const payload = (want: (b64: string) => boolean): string => {
    for (let i = 0; ; i += 1) {
      const plaintext = JSON.stringify({ ai: newAttemptId().slice(0, 20 + (i % 3)), name: '张三', idNum: idNumberFor('1990-01-01') });
      const b64 = encryptBody(plaintext, simulator.secretKey);
      if (want(b64)) return b64;
    }
  };
  const check = (data: string) => {
    const body = JSON.stringify({ data });
    return raw('/idcard/authentication/check', { method: 'POST', body, headers: signedHeaders(body) });
  };

  it('answers 1012 for a base64url payload (- and _ instead of + and /), which standard base64 would accept', async () => {
    const standard = payload((b) => /[+/]/.test(b) && b.endsWith('='));
    const url = standard.replaceAll('+', '-').replaceAll('/', '_');
    expect(url).toMatch(/[-_]/);
    expect(await check(url)).toEqual({ errcode: 1012, errmsg: 'message verification failed' });
    expect(await check(standard)).toMatchObject({ errcode: 0, data: { result: { status: 0 } } });
  });

  it('answers 1012 for a payload without its = padding', async () => {
    const standard = payload((b) => b.endsWith('='));
    expect(await check(standard.replace(/=+$/, ''))).toEqual({ errcode: 1012, errmsg: 'message verification failed' });
    expect(await check(standard)).toMatchObject({ errcode: 0 });
  });
});
