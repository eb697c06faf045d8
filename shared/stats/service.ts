/**
 * The stats aggregator: turns the table's change stream (DynamoDB Streams, NEW_AND_OLD_IMAGES) and
 * the figure events of the logs (shared/log.ts `stat`, delivered by a CloudWatch Logs subscription)
 * into the operators' figures, off every player's path: counting never adds a request to a
 * player's call (docs/api.md, GET /v1/admin/stats). Locally the runner feeds both the same way
 * (infra/local/gateway.ts).
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import * as z from '#shared/zod';
import { log, metric, type StatEvent } from '#shared/log';
import { changeEffects, statEventEffects, type FigureContext, type ItemChange } from '#shared/stats/figures';
import type { CountedRecord, StatsRepository } from '#shared/stats/repository';

export interface StatsDeps {
  repo: StatsRepository;
  context: FigureContext;
  now(): number;
}

/** A change-stream record as Lambda's event source mapping (and the local poller) hands it over. */
export interface StreamRecord {
  eventID?: string | undefined;
  eventName?: string | undefined;
  dynamodb?:
    | {
        Keys?: Record<string, unknown> | undefined;
        NewImage?: Record<string, unknown> | undefined;
        OldImage?: Record<string, unknown> | undefined;
        /** Epoch seconds (Lambda) or a Date (the Streams API client). */
        ApproximateCreationDateTime?: number | Date | undefined;
      }
    | undefined;
}

/**
 * An attribute value the Streams API client hands over as `{}`: an empty map (its deserializer drops
 * `{"M": {}}`, seen with DynamoDB Local). Nothing counted reads such a value; it must only not stop
 * the rest of the image from being read.
 */
function repaired(value: unknown): unknown {
  if (!value || typeof value !== 'object') return value;
  const v = value as Record<string, unknown>;
  if (Object.keys(v).length === 0) return { M: {} };
  if (v.M && typeof v.M === 'object') return { M: Object.fromEntries(Object.entries(v.M).map(([k, x]) => [k, repaired(x)])) };
  if (Array.isArray(v.L)) return { L: v.L.map(repaired) };
  return v;
}

const image = (raw: Record<string, unknown> | undefined): Record<string, unknown> | undefined =>
  raw ? unmarshall(Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, repaired(v)])) as Record<string, AttributeValue>) : undefined;

/** The item change a stream record describes, or null when it is not one. */
export function itemChangeOf(record: StreamRecord): ItemChange | null {
  const event = record.eventName;
  if (event !== 'INSERT' && event !== 'MODIFY' && event !== 'REMOVE') return null;
  const keys = image(record.dynamodb?.Keys);
  if (typeof keys?.pk !== 'string' || typeof keys.sk !== 'string') return null;
  const at = record.dynamodb?.ApproximateCreationDateTime;
  const seenAtMs = at instanceof Date ? at.getTime() : typeof at === 'number' ? at * 1000 : 0;
  return { event, keys: { pk: keys.pk, sk: keys.sk }, old: image(record.dynamodb?.OldImage), new: image(record.dynamodb?.NewImage), seenAtMs };
}

/**
 * Stores the records' effects once each; the self-check (minors' seconds outside the allowed
 * windows) also becomes a metric, which an alarm watches (infra/stack/observability.ts).
 */
async function countOnce(deps: StatsDeps, records: CountedRecord[]): Promise<{ counted: number; repeated: number }> {
  if (!records.length) return { counted: 0, repeated: 0 };
  const { counted, repeated } = await deps.repo.countOnce(records, deps.now());
  const outside = counted.flatMap((r) => r.effects.counts).reduce((s, c) => (c.figure === 'minorSecondsOutsideWindows' ? s + c.n : s), 0);
  if (outside > 0) {
    metric('MinorSecondsOutsideWindows', outside, {}, 'Seconds');
    log.warn("self-check: minors' sessions ran outside the allowed windows", { seconds: outside });
  }
  return { counted: counted.length, repeated };
}

/** Counts a batch of change-stream records, each exactly once. */
export async function countStreamRecords(deps: StatsDeps, records: readonly StreamRecord[]): Promise<{ counted: number; repeated: number }> {
  const counted: CountedRecord[] = [];
  for (const r of records) {
    const change = itemChangeOf(r);
    if (!change || !r.eventID) continue;
    const effects = changeEffects(deps.context, change);
    if (effects.counts.length || effects.weekPlay.length) counted.push({ id: `stream:${r.eventID}`, effects });
  }
  return countOnce(deps, counted);
}

const StatLine = z.discriminatedUnion('stat', [
  z.object({
    stat: z.literal('loginRefused'),
    gameId: z.string().check(z.minLength(1), z.maxLength(64)),
    code: z.string().check(z.minLength(1), z.maxLength(64)),
    at: z.number(),
  }),
  z.object({
    stat: z.literal('paymentRefused'),
    gameId: z.string().check(z.minLength(1), z.maxLength(64)),
    limit: z.string().check(z.minLength(1), z.maxLength(32)),
    at: z.number(),
  }),
  z.object({ stat: z.literal('piExport'), gameId: z.string().check(z.minLength(1), z.maxLength(64)), at: z.number() }),
]);

/**
 * The figure event in one log line, or null. Lines are our own JSON (shared/log.ts); a runtime
 * that wraps them puts the line (or its object) in `message`.
 */
export function statEventOf(line: string): StatEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  for (let depth = 0; depth < 3 && value && typeof value === 'object'; depth += 1) {
    const parsed = StatLine.safeParse(value);
    if (parsed.success) return parsed.data as StatEvent;
    const inner: unknown = (value as { message?: unknown }).message;
    try {
      value = typeof inner === 'string' ? JSON.parse(inner) : inner;
    } catch {
      return null;
    }
  }
  return null;
}

/** Counts figure events from log lines (`id`: CloudWatch Logs' event id), each exactly once. */
export async function countLogEvents(deps: StatsDeps, events: ReadonlyArray<{ id: string; message: string }>): Promise<{ counted: number; repeated: number }> {
  const counted: CountedRecord[] = [];
  for (const e of events) {
    const event = statEventOf(e.message);
    if (event) counted.push({ id: `log:${e.id}`, effects: statEventEffects(event) });
  }
  return countOnce(deps, counted);
}
