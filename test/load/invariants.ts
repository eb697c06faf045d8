/**
 * What must hold after the evening, checked from the table itself (a scan) and from the national
 * system's own record (the embedded simulator's received events), never from what the clients
 * believe alone:
 *
 * 1. Every login and logout the table queued was received by the national system exactly once,
 *    under its game's bizId, and nothing else was; every event is settled as sent.
 * 2. Each within 180 s of being queued (the reporter runs every minute). An event written at its own
 *    time (a login, a logout, the end of play, a takeover) is queued at its time; a silent
 *    session's logout is dated back to its last heartbeat by design (docs/design.md, *Scheduled
 *    jobs*) and queued when the sweeper finds it — its delay is counted from then, and listed apart.
 * 3. No minor second outside the allowed windows: the figures' self-check is 0 for each game, and
 *    every minor's session, as stored, lies inside 20:00–21:00.
 * 4. No spending limit exceeded: per person and month, what is reserved or committed stays within
 *    the band's limit, each payment within the single limit, and the ledger equals its orders.
 * 5. No 5xx answered.
 * 6. No lost session: every session a client started is stored, ended, with its login and logout
 *    events sent; the figures count exactly the logins stored.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ageOn } from '#shared/domain/age';
import { GAMES, LIMITS, at as eveningAt, type Band } from '#test/load/scenario';
import type { Recorded } from '#test/load/driver';

export interface Invariant {
  name: string;
  ok: boolean;
  detail: string;
}

async function scan(r: Recorded): Promise<Array<Record<string, any>>> {
  const out: Array<Record<string, any>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await r.db.send(new ScanCommand({ TableName: r.gateway.tableName, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((page.Items ?? []) as Array<Record<string, any>>));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

const bandOf = (birthDate: string): Band => {
  const age = ageOn(birthDate, '2026-11-27');
  return age >= 18 ? 'adult' : age >= 16 ? 'minor16' : 'minor8';
};

export interface Checked {
  invariants: Invariant[];
  /** Figures the report uses, read from the same scan. */
  facts: {
    sessions: number;
    playerHours: number;
    minorPlayerHours: number;
    adultPlayerHours: number;
    events: number;
    sweptLogouts: number;
    reportDelaySeconds: { max: number; p99: number; maxOfSwept: number };
    figures: Record<string, Record<string, number>>;
    items: number;
  };
}

export async function checkInvariants(r: Recorded): Promise<Checked> {
  const items = await scan(r);
  const invariants: Invariant[] = [];
  const add = (name: string, problems: string[], okDetail: string) =>
    invariants.push({
      name,
      ok: problems.length === 0,
      detail: problems.length ? `${problems.length} problem(s): ${problems.slice(0, 5).join('; ')}` : okDetail,
    });
  const bizOf = new Map<string, string>(GAMES.map((g) => [g.gameId, g.bizId]));

  // 1 and 2: every queued event received exactly once, within 180 s of being queued.
  const events = items.filter((i) => String(i.pk).startsWith('OUTBOX#'));
  const sessions = items.filter((i) => String(i.pk).startsWith('SESSION#'));
  const sessionById = new Map(sessions.map((s) => [String(s.sessionId), s]));
  const once: string[] = [];
  const late: string[] = [];
  const delays: number[] = [];
  let sweptLogouts = 0;
  let maxOfSwept = 0;
  const expected = new Set<string>();
  for (const e of events) {
    const key = `${e.si}#${e.bt}#${bizOf.get(String(e.gameId))}`;
    expected.add(key);
    const got = r.received.get(key);
    if (got?.times !== 1) once.push(`${e.si}/${e.bt}: received ${got?.times ?? 0} times`);
    if (e.state !== 'sent') once.push(`${e.si}/${e.bt}: ${e.state}`);
    const queued = r.queuedAt.get(`${e.si}#${e.bt}`);
    if (!got || queued === undefined) continue;
    const delay = (got.at - queued) / 1000;
    delays.push(delay);
    const swept = e.bt === 0 && sessionById.get(String(e.si))?.endReason === 'session_expired';
    if (swept) {
      sweptLogouts += 1;
      maxOfSwept = Math.max(maxOfSwept, delay);
    } else if (Number(e.atMs) !== queued)
      late.push(`${e.si}/${e.bt}: queued at ${new Date(queued).toISOString()}, dated ${new Date(Number(e.atMs)).toISOString()}`);
    if (delay > 180) late.push(`${e.si}/${e.bt}: ${delay} s after it was queued`);
  }
  for (const key of r.received.keys()) if (!expected.has(key)) once.push(`received but never queued: ${key}`);
  add(
    'every login and logout reported exactly once, under its game',
    once,
    `${events.length} events, each received once under its game's bizId and settled as sent`,
  );
  delays.sort((a, b) => a - b);
  add(
    'each reported within 180 s of being queued',
    late,
    `longest ${delays.at(-1) ?? 0} s (${sweptLogouts} logouts of silent sessions, dated back to their ` +
      `last heartbeat by design, reported ≤ ${maxOfSwept} s after the sweeper queued them)`,
  );

  // 3: no minor second outside the windows.
  const figures: Record<string, Record<string, number>> = {};
  // A day's figures are spread over several items (shared/stats/repository.ts): added up.
  for (const i of items.filter((x) => String(x.pk).startsWith('STATS#') && String(x.sk).startsWith('2026-11-27#'))) {
    const day = (figures[String(i.gameId)] ??= {});
    for (const [k, v] of Object.entries(i)) if (typeof v === 'number' && k !== 'expiresAt') day[k] = (day[k] ?? 0) + v;
  }
  const outside: string[] = [];
  for (const g of GAMES)
    if ((figures[g.gameId]?.minorSecondsOutsideWindows ?? 0) !== 0)
      outside.push(`${g.gameId}: the figures' self-check says ${figures[g.gameId]!.minorSecondsOutsideWindows} s`);
  const open = eveningAt('20:00:00');
  const close = eveningAt('21:00:00');
  for (const s of sessions.filter((x) => x.minorAtLogin)) {
    const end = Number(s.endedAt ?? Infinity);
    if (Number(s.startedAt) < open || end > close)
      outside.push(`${s.sessionId}: ${new Date(Number(s.startedAt)).toISOString()}–${new Date(end).toISOString()}`);
  }
  add(
    'no minor second outside the allowed windows',
    outside,
    `self-check 0 in both games' figures; ${sessions.filter((x) => x.minorAtLogin).length} minors' sessions all within 20:00–21:00`,
  );

  // 4: spending limits.
  const persons = new Map(items.filter((i) => String(i.pk).startsWith('IDENTITY#') && i.sk === 'IDENTITY').map((i) => [String(i.pk).slice(9), i]));
  const orders = items.filter((i) => String(i.pk).startsWith('ORDER#'));
  const byPersonMonth = new Map<string, number>();
  const spending: string[] = [];
  for (const o of orders) {
    const person = persons.get(String(o.identityHash));
    if (!person) {
      spending.push(`order ${o.orderId}: no person`);
      continue;
    }
    const limits = LIMITS[bandOf(String(person.birthDate))];
    if (limits.single !== null && Number(o.amount) > limits.single) spending.push(`order ${o.orderId}: ${o.amount} over the single limit ${limits.single}`);
    if (o.status === 'reserved' || o.status === 'committed')
      byPersonMonth.set(`${o.identityHash}#${o.month}`, (byPersonMonth.get(`${o.identityHash}#${o.month}`) ?? 0) + Number(o.amount));
  }
  for (const [key, total] of byPersonMonth) {
    const [hash, month] = key.split('#') as [string, string];
    const limits = LIMITS[bandOf(String(persons.get(hash)!.birthDate))];
    if (limits.monthly !== null && total > limits.monthly) spending.push(`${hash.slice(0, 8)}… ${month}: ${total} over ${limits.monthly}`);
    const ledger = items.find((i) => i.pk === `IDENTITY#${hash}` && i.sk === `SPEND#M#${month}`);
    if (Number(ledger?.total ?? 0) !== total) spending.push(`${hash.slice(0, 8)}… ${month}: ledger ${ledger?.total} but orders ${total}`);
  }
  add(
    'no spending limit exceeded',
    spending,
    `${orders.length} orders (${r.payments.raced} in races on one person from two accounts), every ` +
      `person's month within its band's limit and equal to its ledger`,
  );

  // 5: no 5xx.
  add(
    'no 5xx answered',
    r.serverErrors.map((e) => `${e.route} ${e.status} ${JSON.stringify(e.body).slice(0, 120)}`),
    `${[...r.routes.values()].reduce((n, x) => n + x.ms.length, 0)} requests, none answered 5xx`,
  );

  // 6: no lost session.
  const lost: string[] = [];
  for (const [sessionId, c] of r.sessions) {
    const s = sessionById.get(sessionId);
    if (!s) lost.push(`${sessionId}: not stored`);
    else if (s.state !== 'ended') lost.push(`${sessionId}: still ${s.state}`);
    for (const bt of [1, 0])
      if (!events.some((e) => e.si === sessionId && e.bt === bt && e.state === 'sent')) lost.push(`${sessionId}: ${bt ? 'login' : 'logout'} not sent`);
    if (c.endedBy?.startsWith('heartbeat')) lost.push(`${sessionId}: ${c.endedBy}`);
  }
  for (const s of sessions) if (!r.sessions.has(String(s.sessionId))) lost.push(`${s.sessionId}: stored but no client started it`);
  for (const g of GAMES) {
    const stored = sessions.filter((s) => s.gameId === g.gameId).length;
    const counted = (figures[g.gameId]?.['logins:minor'] ?? 0) + (figures[g.gameId]?.['logins:adult'] ?? 0);
    if (stored !== counted) lost.push(`${g.gameId}: ${stored} sessions stored, ${counted} logins in the figures`);
  }
  add('no lost session', lost, `${r.sessions.size} sessions started, all stored, ended and reported both ways; the figures count each login once`);

  const hours = (pred: (s: Record<string, any>) => boolean) =>
    sessions.filter(pred).reduce((h, s) => h + (Number(s.endedAt ?? s.startedAt) - Number(s.startedAt)) / 3_600_000, 0);
  return {
    invariants,
    facts: {
      sessions: sessions.length,
      playerHours: hours(() => true),
      minorPlayerHours: hours((s) => s.minorAtLogin === true),
      adultPlayerHours: hours((s) => s.minorAtLogin !== true),
      events: events.length,
      sweptLogouts,
      reportDelaySeconds: { max: delays.at(-1) ?? 0, p99: delays[Math.min(delays.length - 1, Math.floor(0.99 * delays.length))] ?? 0, maxOfSwept },
      figures,
      items: items.length,
    },
  };
}
