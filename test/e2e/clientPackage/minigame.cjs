// The same package required as CommonJS, and driven through a fake of WeChat's `wx.request` (its
// options and callbacks, carried over real HTTP to the local gateway), as a mini-game uses it.
const http = require('node:http');
const { createPlayGuard, miniGameFetch, isPlayGuardProblem, PlayGuardNetworkError } = require('@playguard/client');

const base = process.env.GATEWAY_URL;
const log = (step, value) => console.log(JSON.stringify({ step, value }));

/** `wx.request` as the WeChat runtime documents it: url, method, header, data, dataType, success({statusCode, header, data}), fail({errMsg}). */
const wx = {
  calls: [],
  request(options) {
    wx.calls.push({ method: options.method, dataType: options.dataType, responseType: options.responseType });
    const req = http.request(options.url, { method: options.method, headers: options.header }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (data += chunk));
      // The runtime hands headers as an object of its own case; the body as text (dataType other than json).
      res.on('end', () =>
        options.success({
          statusCode: res.statusCode,
          header: Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k.replace(/(^|-)\w/g, (m) => m.toUpperCase()), String(v)])),
          data,
        }),
      );
    });
    req.on('error', (e) => options.fail({ errMsg: `request:fail ${e.message}` }));
    if (options.data !== undefined) req.write(options.data);
    req.end();
    return { abort: () => req.destroy() };
  },
};

(async () => {
  const devFetch = async (method, path, body) =>
    (await fetch(base + path, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const { token } = await devFetch('POST', '/__dev/tokens', { sub: process.env.ACCOUNT, ttlSeconds: 86400 });
  const pg = createPlayGuard({ baseUrl: base, token, fetch: miniGameFetch(wx) });
  await devFetch('PUT', '/__dev/clock', { now: '2026-12-04T20:50:00+08:00' });
  log('submit', await pg.identity.submit({ name: '李四', idNumber: process.env.ID_NUMBER }));
  const session = await pg.startSession({ deviceId: 'wx-device' });
  log('started', {
    remainingSeconds: session.started.remainingSeconds,
    heartbeatIntervalSeconds: session.started.heartbeatIntervalSeconds,
    minor: session.started.minor,
  });
  const warned = new Promise((resolve) => session.on('warn', resolve));
  await devFetch('PUT', '/__dev/clock', { now: '2026-12-04T20:55:00+08:00' });
  session.pause(); // wx.onHide
  await session.resume(); // wx.onShow: beats at once
  log('warn', await warned);
  await session.end();
  log('ended', session.state);
  const unreachable = createPlayGuard({ baseUrl: 'http://127.0.0.1:9', token, fetch: miniGameFetch(wx) });
  const lost = await unreachable.games().catch((e) => e);
  log('unreachable', { network: lost instanceof PlayGuardNetworkError, kind: lost.kind, problem: isPlayGuardProblem(lost) });
  log('calls', wx.calls);
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
