/**
 * The NPPA reporter (DESIGN.md "NPPA reporting", issue 6): drains the outbox in batches of up to
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
import { BatchGetCommand, BatchWriteCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryShards } from '#shared/storage/dynamo';
import { ttlAttribute } from '#shared/storage/expiry';
import { log, metric } from '#shared/log';
import { identityKey } from '#shared/identity/repository';
import { OUTBOX_SHARDS, SENT_RETENTION_S } from '#shared/reporting/outbox';
import type { RateGate } from '#shared/reporting/rateGate';
import { NppaConfigurationError, NppaUnavailable, type LoginoutItem, type NppaClient } from '#shared/nppa/client';

export const MAX_BATCH = 128;
/** NPPA.md: the earliest `ot` must be less than 180 s before `timestamps`; keep a safety margin. */
export const MAX_EVENT_AGE_S = 170;
/** Item-level errors that will never succeed on retry (NPPA.md behaviour errors). */
const PERMANENT_ITEM_ERRORS = new Set([3004, 3005, 3006, 3007, 3008, 3009, 3010]);

interface QueuedEvent {
  pk: string;
  sk: string;
  si: string;
  bt: 0 | 1;
  atMs: number;
  identityHash: string;
  accountId: string;
  attempts?: number;
}

export interface ReporterDeps {
  db: DynamoDBDocumentClient;
  table: string;
  nppa: Pick<NppaClient, 'loginout'>;
  gate: Pick<RateGate, 'acquire'>;
  now: () => number;
}

export interface ReportRun {
  calls: number;
  sent: number;
  deadLetters: number;
  dropped: number;
  waiting: number;
  stoppedBy?: 'transient' | 'configuration';
}

/** The queued events, oldest first, across the outbox shards. */
async function queued(deps: ReporterDeps, limitPerShard: number): Promise<QueuedEvent[]> {
  const all = await queryShards<QueuedEvent>(deps.db, deps.table, 'OUTBOX#', OUTBOX_SHARDS, { limit: limitPerShard });
  return all.sort((a, b) => a.atMs - b.atMs || a.bt - b.bt);
}

/** Status and PI of each person, one BatchGet per 100. */
async function identities(deps: ReporterDeps, hashes: string[]): Promise<Map<string, { status: string; pi?: string }>> {
  const out = new Map<string, { status: string; pi?: string }>();
  for (let i = 0; i < hashes.length; i += 100) {
    const keys = hashes.slice(i, i + 100).map(identityKey);
    let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [deps.table]: { Keys: keys } };
    while (request && Object.keys(request).length) {
      const r: BatchGetCommandOutput = await deps.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of r.Responses?.[deps.table] ?? []) {
        out.set(String(item.pk).slice('IDENTITY#'.length), { status: String(item.status), ...(item.pi ? { pi: String(item.pi) } : {}) });
      }
      request = r.UnprocessedKeys && Object.keys(r.UnprocessedKeys).length ? (r.UnprocessedKeys as typeof request) : undefined;
    }
  }
  return out;
}

/** Rewrites events (sent / dead / dropped) without their queue keys, 25 a request. */
async function settle(deps: ReporterDeps, events: QueuedEvent[], state: 'sent' | 'dead' | 'dropped', extra: (e: QueuedEvent) => Record<string, unknown> = () => ({})): Promise<void> {
  const nowMs = deps.now();
  // Settled events are out of the queue (no index keys): their TTL only ends the audit retention.
  const expiresAt = ttlAttribute(nowMs + SENT_RETENTION_S * 1000);
  for (let i = 0; i < events.length; i += 25) {
    let items: Array<{ PutRequest: { Item: Record<string, unknown> } }> = events.slice(i, i + 25).map((e) => {
      const { gsi1pk: _p, gsi1sk: _s, ...rest } = e as QueuedEvent & { gsi1pk?: string; gsi1sk?: string };
      return { PutRequest: { Item: { ...rest, state, settledAt: nowMs, expiresAt, ...extra(e) } } };
    });
    for (let attempt = 0; items.length && attempt < 8; attempt += 1) {
      const r = await deps.db.send(new BatchWriteCommand({ RequestItems: { [deps.table]: items } }));
      items = (r.UnprocessedItems?.[deps.table] ?? []) as typeof items;
      if (items.length) await new Promise((res) => setTimeout(res, 50 * 2 ** attempt));
    }
    if (items.length) throw new Error('outbox settle: unprocessed items remain');
  }
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

export async function drainOutbox(deps: ReporterDeps, options: { maxCalls?: number; deadlineMs?: number } = {}): Promise<ReportRun> {
  const run: ReportRun = { calls: 0, sent: 0, deadLetters: 0, dropped: 0, waiting: 0 };
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
  try {
    outer: for (;;) {
      if (outOfTime()) break;
      const events = (await queued(deps, MAX_BATCH * 8)).filter((e) => !settledHere.has(key(e)));
      if (!events.length) break;
      const people = await identities(deps, [...new Set(events.map((e) => e.identityHash))]);

      const rejected = events.filter((e) => people.get(e.identityHash)?.status === 'rejected');
      if (rejected.length) {
        rejected.forEach((e) => settledHere.add(key(e)));
        settling.push(settle(deps, rejected, 'dropped', () => ({ reason: 'identity_rejected' })));
        metric('NppaEventsDropped', rejected.length);
        run.dropped += rejected.length;
      }
      // Pending identities have no PI yet: their events wait (RULES.md §1, NPPA FAQ).
      let ready = events.filter((e) => people.get(e.identityHash)?.pi);
      run.waiting = events.length - rejected.length - ready.length;
      oldestReadyAtMs ??= ready[0]?.atMs ?? null;
      if (!ready.length) break;

      while (ready.length) {
        if (outOfTime()) break outer;
        const batch = nextBatch(ready);
        ready = ready.slice(batch.length);
        await deps.gate.acquire();
        const nowS = Math.floor(deps.now() / 1000);
        const shift = shiftSeconds(Math.floor(batch[0]!.atMs / 1000), nowS);
        if (shift > 0) log.warn('loginout backlog older than 180 s: event times shifted per the NPPA FAQ', { shiftSeconds: shift, events: batch.length });
        const collections: LoginoutItem[] = batch.map((e, i) => ({
          no: i + 1,
          si: e.si,
          bt: e.bt,
          ot: Math.min(Math.floor(e.atMs / 1000) + shift, nowS - 1),
          ct: 0,
          pi: people.get(e.identityHash)!.pi!,
        }));
        run.calls += 1;
        let failed: Array<{ no: number; errcode: number }> = [];
        try {
          failed = (await deps.nppa.loginout(collections)).failed;
        } catch (error) {
          if (error instanceof NppaUnavailable) {
            metric('NppaReportTransientError');
            log.warn('national system unavailable: reporting resumes on the next run', { errcode: error.errcode });
            run.stoppedBy = 'transient';
            break outer;
          }
          if (error instanceof NppaConfigurationError) {
            metric('NppaConfigurationError');
            log.error('national system refused the reporter: check credentials and whitelisting', { errcode: error.errcode });
            run.stoppedBy = 'configuration';
            break outer;
          }
          throw error;
        }
        const failedByNo = new Map(failed.map((f) => [f.no, f.errcode]));
        const accepted = batch.filter((_, i) => !failedByNo.has(i + 1));
        const dead = batch.filter((_, i) => PERMANENT_ITEM_ERRORS.has(failedByNo.get(i + 1) ?? 0));
        accepted.forEach((e) => settledHere.add(key(e)));
        settling.push(settle(deps, accepted, 'sent', () => (shift ? { shiftedBySeconds: shift } : {})));
        run.sent += accepted.length;
        if (dead.length) {
          dead.forEach((e) => settledHere.add(key(e)));
          settling.push(settle(deps, dead, 'dead', (e) => ({ reason: failedByNo.get(batch.indexOf(e) + 1) })));
          metric('NppaDeadLetters', dead.length);
          log.error('national system refused events permanently: kept as dead letters for an operator', { count: dead.length });
          run.deadLetters += dead.length;
        }
        // Items that failed for a transient reason stay queued and go again, alone, in a fresh batch;
        // a run stops retrying them after a few attempts so one bad item cannot spin the loop.
        const retry = batch.filter((_, i) => failedByNo.has(i + 1) && !PERMANENT_ITEM_ERRORS.has(failedByNo.get(i + 1)!));
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
  if (run.sent) metric('NppaEventsSent', run.sent);
  metric('OldestUnsentEventAgeSeconds', oldestReadyAtMs ? Math.max(0, Math.round((startedAt - oldestReadyAtMs) / 1000)) : 0, {}, 'Seconds');
  return run;
}
