/**
 * The NPPA reporter (docs/design.md "NPPA reporting"): drains the outbox in batches of up to
 * 128 login/logout events, at most 10 calls a second per game across every running copy (a
 * DynamoDB per-second gate), each batch sent while its earliest event is under 180 s old — older
 * backlogs are shifted forward as the NPPA FAQ documents, and the shift is logged.
 *
 * Exactly once: an event is marked sent only after the national system accepted it. A partial
 * failure (3001) marks the accepted items and retries the failed ones alone; permanent item errors
 * (3004–3010) become dead letters with the reason; transient errors leave everything queued. If a
 * copy crashes between the national system's acceptance and the marking, the next run sends those
 * events again (at-least-once in that one window): same `si`, `bt` and `ot`, so the national
 * system sees a repeat of an identical event, never a lost or a wrong one.
 */
import { log, metric } from '#shared/log';
import type { AccountRepository } from '#shared/accounts/repository';
import type { IdentityRepository } from '#shared/identity/repository';
import type { OutboxRepository, QueuedEvent } from '#shared/reporting/outbox';
import type { DrainerLease } from '#shared/reporting/drainerLease';
import type { RateGate } from '#shared/reporting/rateGate';
import { NppaConfigurationError, NppaUnavailable, type LoginoutItem, type LoginoutItemFailure, type NppaClient } from '#shared/nppa/client';

export const MAX_BATCH = 128;
/** Events a page lists, over all of a game's shards: the first page small (the first call goes at once), the next ones 32 batches. */
const FIRST_PAGE = MAX_BATCH * 4;
const PAGE = MAX_BATCH * 32;
/** The behaviour interface: the earliest `ot` must be less than 180 s before `timestamps` (docs/nppa.md); keep a margin. */
export const MAX_EVENT_AGE_S = 170;
/** Item-level errors that will never succeed on retry (the behaviour interface's data errors, docs/nppa.md). */
const PERMANENT_ITEM_ERRORS = new Set([3004, 3005, 3006, 3007, 3008, 3009, 3010]);

/** One game's reporting: its own client (signed with its bizId) and its own 10-calls-a-second gate. */
export interface GameReporting {
  gameId: string;
  nppa: Pick<NppaClient, 'loginout'>;
  gate: Pick<RateGate, 'acquire'>;
}

export interface ReporterDeps {
  outbox: Pick<OutboxRepository, 'queued' | 'settle'>;
  identities: Pick<IdentityRepository, 'statuses'>;
  /** Only for events whose session began while its account's check was pending (rare: one more read then). */
  accounts: Pick<AccountRepository, 'checkStates'>;
  games: GameReporting[];
  now: () => number;
}

export interface GameRun {
  calls: number;
  sent: number;
  deadLetters: number;
  dropped: number;
  waiting: number;
  stoppedBy?: 'transient' | 'configuration';
}

/** A run over every game: the totals, and each game's own run. */
export interface ReportRun extends GameRun {
  byGame: Record<string, GameRun>;
}

/**
 * How the national system answered one batch: accepted items, items refused for good (dead
 * letters, with the errcode) and items refused for a reason that may pass on a retry.
 */
export function classifyBatch<T>(
  batch: readonly T[],
  failed: readonly Pick<LoginoutItemFailure, 'no' | 'errcode'>[],
): { accepted: T[]; dead: Array<{ event: T; errcode: number }>; retry: T[] } {
  const failedByNo = new Map(failed.map((f) => [f.no, f.errcode]));
  const out = { accepted: [] as T[], dead: [] as Array<{ event: T; errcode: number }>, retry: [] as T[] };
  batch.forEach((event, i) => {
    const errcode = failedByNo.get(i + 1);
    if (errcode === undefined) out.accepted.push(event);
    else if (PERMANENT_ITEM_ERRORS.has(errcode)) out.dead.push({ event, errcode });
    else out.retry.push(event);
  });
  return out;
}

/**
 * Picks the next batch: oldest first, at most 128, spanning at most MAX_EVENT_AGE_S so that one
 * shift can bring the whole batch inside the national system's window.
 */
export function nextBatch<T extends { atMs: number }>(events: T[]): T[] {
  const first = events[0];
  if (!first) return [];
  const batch: T[] = [];
  for (const e of events) {
    if (batch.length === MAX_BATCH || e.atMs - first.atMs >= MAX_EVENT_AGE_S * 1000) break;
    batch.push(e);
  }
  return batch;
}

/** The FAQ's workaround for events older than the window: shift them all by the reporting delay. */
export function shiftSeconds(earliestOtS: number, nowS: number): number {
  return Math.max(0, nowS - MAX_EVENT_AGE_S + 5 - earliestOtS);
}

/**
 * Drains every game's queue at once: each game's batches hold only its events, go out under its
 * bizId at its own rate, and one game's backlog, outage or dead letters never hold up another's.
 */
export async function drainOutbox(deps: ReporterDeps, options: { maxCalls?: number; deadlineMs?: number } = {}): Promise<ReportRun> {
  const runs = await Promise.all(deps.games.map(async (game) => [game.gameId, await drainGame(deps, game, options)] as const));
  const total: ReportRun = { calls: 0, sent: 0, deadLetters: 0, dropped: 0, waiting: 0, byGame: Object.fromEntries(runs) };
  for (const [, r] of runs) {
    total.calls += r.calls;
    total.sent += r.sent;
    total.deadLetters += r.deadLetters;
    total.dropped += r.dropped;
    total.waiting += r.waiting;
    if (r.stoppedBy && total.stoppedBy !== 'configuration') total.stoppedBy = r.stoppedBy;
  }
  return total;
}

async function drainGame(deps: ReporterDeps, game: GameReporting, options: { maxCalls?: number; deadlineMs?: number }): Promise<GameRun> {
  const run: GameRun = { calls: 0, sent: 0, deadLetters: 0, dropped: 0, waiting: 0 };
  const dims = { gameId: game.gameId };
  const maxCalls = options.maxCalls ?? 600;
  const retryOnly = new Map<string, number>();
  // Marking is pipelined with the next send; the index is eventually consistent anyway, so what
  // this run has settled (or is settling) is remembered and skipped if it is listed again.
  const settledHere = new Set<string>();
  const settling: Array<Promise<void>> = [];
  const key = (e: QueuedEvent) => `${e.si}#${e.bt}`;
  const outOfTime = () => run.calls >= maxCalls || (options.deadlineMs !== undefined && deps.now() > options.deadlineMs);
  // The age of the oldest event that could be sent when the run began (events of pending identities
  // wait by design and are not late): the operators' alarm watches it, so it is emitted every run.
  let oldestReadyAtMs: number | null | undefined;
  const startedAt = deps.now();
  // A page: the oldest queued events and their people. The next page is read while the last batches
  // of this one are sent (the calls, not the reads, set the pace: 10 a second), then stripped of what
  // this run has settled since. The first page is small, so the first call goes out at once.
  let pages = 0;
  const readPage = async () => {
    const size = pages++ === 0 ? FIRST_PAGE : PAGE;
    // `more`: a shard holds more than this page took of it.
    const { events: listed, more } = await deps.outbox.queued(game.gameId, size);
    const ofPendingAccounts = [...new Set(listed.filter((e) => e.accountPending && !e.pi).map((e) => e.accountId))];
    const [people, accounts] = await Promise.all([
      deps.identities.statuses([...new Set(listed.map((e) => e.identityHash))]),
      ofPendingAccounts.length ? deps.accounts.checkStates(ofPendingAccounts) : new Map<string, never>(),
    ]);
    return { listed, more, people, accounts };
  };
  let upcoming: ReturnType<typeof readPage> | undefined;
  try {
    outer: for (;;) {
      if (outOfTime()) break;
      const page = await (upcoming ?? readPage());
      upcoming = undefined;
      const events = page.listed.filter((e) => !settledHere.has(key(e)));
      if (!events.length) break;
      const { people, accounts } = page;
      // An event of a session begun while its account's check was pending is its account's to
      // report: under the person's PI once that check has verified the account, never if it did not
      // (another account's submission never speaks for a verified person: docs/nppa.md "PI").
      const accountCheck = (e: QueuedEvent): 'verified' | 'pending' | 'failed' => {
        if (!e.accountPending || e.pi) return 'verified';
        const a = accounts.get(e.accountId);
        if (a?.identityHash !== e.identityHash) return 'failed';
        return a.identityStatus === 'verified' ? 'verified' : a.identityStatus === 'pending' ? 'pending' : 'failed';
      };
      const dropped = events.flatMap((e) => {
        if (people.get(e.identityHash)?.status === 'rejected') return [{ e, reason: 'identity_rejected' }];
        return accountCheck(e) === 'failed' ? [{ e, reason: 'account_not_verified' }] : [];
      });
      if (dropped.length) {
        const reasons = new Map(dropped.map(({ e, reason }) => [key(e), reason]));
        dropped.forEach(({ e }) => settledHere.add(key(e)));
        settling.push(
          deps.outbox.settle(
            dropped.map(({ e }) => e),
            'dropped',
            deps.now(),
            (e) => ({ reason: reasons.get(key(e)) }),
          ),
        );
        metric('NppaEventsDropped', dropped.length, dims);
        run.dropped += dropped.length;
      }
      // Pending identities have no PI yet, pending accounts no verified check: their events wait (docs/nppa.md "PI").
      let ready = events.filter((e) => accountCheck(e) === 'verified' && (e.pi ?? people.get(e.identityHash)?.pi));
      run.waiting = events.length - dropped.length - ready.length;
      oldestReadyAtMs ??= ready[0]?.atMs ?? null;
      if (!ready.length) {
        // A full small first page of waiting events (pending identities) may hide ready ones behind
        // it: read a full page before giving up.
        if (pages === 1 && page.more) continue;
        break;
      }

      const callsBeforePage = run.calls;
      while (ready.length) {
        if (outOfTime()) break outer;
        const batch = nextBatch(ready);
        ready = ready.slice(batch.length);
        // Read ahead while the last two batches go (a page read takes about as long as two calls).
        if (ready.length <= 2 * MAX_BATCH && !upcoming) {
          upcoming = readPage();
          upcoming.catch(() => {}); // awaited (and its error thrown) by the next page, if there is one
        }
        // The page's last batch, not full, while more may be queued: its events are still queued, so
        // the next page lists them again and they go with newer ones in a full batch (one call less).
        // Never the page's only batch: a page must send something, or the run would read it forever.
        if (!ready.length && batch.length < MAX_BATCH && page.more && run.calls > callsBeforePage) break;
        await game.gate.acquire();
        const nowS = Math.floor(deps.now() / 1000);
        const shift = shiftSeconds(Math.floor(batch[0]!.atMs / 1000), nowS);
        if (shift > 0)
          log.warn('loginout backlog older than 180 s: event times shifted per the NPPA FAQ', { ...dims, shiftSeconds: shift, events: batch.length });
        const collections: LoginoutItem[] = batch.map((e, i) => ({
          no: i + 1,
          si: e.si,
          bt: e.bt,
          ot: Math.min(Math.floor(e.atMs / 1000) + shift, nowS - 1),
          ct: 0,
          pi: (e.pi ?? people.get(e.identityHash)?.pi)!,
        }));
        run.calls += 1;
        let failed: LoginoutItemFailure[] = [];
        try {
          failed = (await game.nppa.loginout(collections)).failed;
        } catch (error) {
          if (error instanceof NppaUnavailable) {
            metric('NppaReportTransientError', 1, dims);
            log.warn('national system unavailable: reporting resumes on the next run', { ...dims, errcode: error.errcode });
            run.stoppedBy = 'transient';
            break outer;
          }
          if (error instanceof NppaConfigurationError) {
            metric('NppaConfigurationError', 1, dims);
            log.error('national system refused the reporter: check credentials, bizId and whitelisting', { ...dims, errcode: error.errcode });
            run.stoppedBy = 'configuration';
            break outer;
          }
          throw error;
        }
        const { accepted, dead, retry } = classifyBatch(batch, failed);
        accepted.forEach((e) => settledHere.add(key(e)));
        settling.push(deps.outbox.settle(accepted, 'sent', deps.now(), () => (shift ? { shiftedBySeconds: shift } : {})));
        run.sent += accepted.length;
        if (dead.length) {
          dead.forEach(({ event }) => settledHere.add(key(event)));
          const reasons = new Map(dead.map(({ event, errcode }) => [event, errcode]));
          settling.push(
            deps.outbox.settle(
              dead.map(({ event }) => event),
              'dead',
              deps.now(),
              (e) => ({ reason: reasons.get(e) }),
            ),
          );
          metric('NppaDeadLetters', dead.length, dims);
          log.error('national system refused events permanently: kept as dead letters for an operator', { ...dims, count: dead.length });
          run.deadLetters += dead.length;
        }
        // Items that failed for a transient reason stay queued and go again, alone, in a fresh batch;
        // a run stops retrying them after a few attempts so one bad item cannot spin the loop.
        if (retry.length) {
          if (retry.every((e) => (retryOnly.get(key(e)) ?? 0) >= 3)) break outer;
          for (const e of retry) retryOnly.set(key(e), (retryOnly.get(key(e)) ?? 0) + 1);
          ready = [...retry, ...ready];
        }
      }
    }
  } finally {
    await Promise.all(settling);
  }
  if (run.sent) metric('NppaEventsSent', run.sent, dims);
  metric('OldestUnsentEventAgeSeconds', oldestReadyAtMs ? Math.max(0, Math.round((startedAt - oldestReadyAtMs) / 1000)) : 0, dims, 'Seconds');
  return run;
}

/**
 * One reporter run: takes the drainer lease (held `leaseMs`, longer than any run can last), drains
 * until `deadlineMs`, and releases the lease on every path. Another copy holding it → skipped.
 */
export async function reportLoginouts(
  deps: ReporterDeps & { lease: Pick<DrainerLease, 'take' | 'release'> },
  options: { deadlineMs: number; leaseMs: number },
): Promise<ReportRun | { skipped: 'another reporter is running' }> {
  if (!(await deps.lease.take(deps.now(), options.leaseMs))) return { skipped: 'another reporter is running' };
  try {
    return await drainOutbox(deps, { deadlineMs: options.deadlineMs });
  } finally {
    await deps.lease.release();
  }
}
