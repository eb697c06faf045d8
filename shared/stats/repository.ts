/**
 * The operators' figures: their one owner (keys in shared/storage/keys.ts).
 *
 *   day figures        counters of one Beijing day and game, one flat attribute per figure
 *                      (`logins:minor`, `payments:refused:daily`, …), grown with ADD.
 *   week distribution  how many minors' week totals lie in each band (`band:1to2h`, …).
 *   person's week play one minor's seconds in a week, to move them from band to band.
 *   counted change     the id of a stream record or log event already counted.
 *
 * Exactly once: each batch is one transaction of the counter updates plus one `counted change` per
 * record, created only if absent. A record delivered again (a Lambda retry, a restarted local
 * poller) fails its condition; the transaction is then sent again without it, so it never counts
 * twice and the others count once. A person's week total is conditioned on the value read, so two
 * batches never move the same person from the same band.
 */
import { DeleteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGet, queryBetween } from '#shared/storage/dynamo';
import { OPERATOR_RANGE_DAYS } from '#shared/api/schemas';
import { addDays, beijingDate, beijingMidnight, daysFrom, type BeijingDate } from '#shared/domain/beijingTime';
import { mergeCounts, weekBand, weekOf, type Effects, type WeekPlay } from '#shared/stats/figures';
import { TransactionRefused, transact, type TransactItem } from '#shared/storage/conditions';
import { ttlAttribute } from '#shared/storage/expiry';
import { RETENTION_MS } from '#shared/storage/retention';
import {
  STATS_SHARDS,
  statsDayKey,
  statsMonthPartition,
  statsPersonWeekKey,
  statsSeenKey,
  statsWeekKey,
  statsWeeksPartition,
  unshardedPersonWeekKey,
} from '#shared/storage/keys';

/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACTION_ITEMS = 100;

export interface CountedRecord {
  /** The stream record's eventID, or the log event's id. */
  id: string;
  effects: Effects;
}

/** A stored day of figures: its day, game and flat counters. */
export interface StoredDay {
  date: BeijingDate;
  gameId: string;
  figures: Record<string, number>;
}

const STORAGE_ATTRIBUTES = new Set(['pk', 'sk', 'date', 'gameId', 'expiresAt']);

function figuresOf(item: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(item)) if (!STORAGE_ATTRIBUTES.has(k) && typeof v === 'number') out[k] = v;
  return out;
}

export class StatsRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Counts each record exactly once. Returns the records counted now (the others had been
   * counted before) and how many were repeats. `nowMs` is the processing time (for the `counted change` TTL only).
   */
  async countOnce(records: readonly CountedRecord[], nowMs: number): Promise<{ counted: CountedRecord[]; repeated: number }> {
    const counted: CountedRecord[] = [];
    let repeated = 0;
    const unique = [...new Map(records.map((r) => [r.id, r])).values()];
    repeated += records.length - unique.length;
    for (const chunk of await this.chunks(unique)) {
      let pending = chunk;
      for (let attempt = 0; pending.length > 0; attempt += 1) {
        try {
          await transact(this.db, await this.items(pending, nowMs));
          counted.push(...pending);
          break;
        } catch (error) {
          if (!(error instanceof TransactionRefused) || attempt >= 10) throw error;
          // Records counted before are left out; a person's week moved meanwhile: read it again.
          const before = pending.length;
          pending = pending.filter((r) => !error.refused(`seen:${r.id}`));
          repeated += before - pending.length;
        }
      }
    }
    return { counted, repeated };
  }

  /** Splits records so that each transaction stays within DynamoDB's item limit. */
  private async chunks(records: readonly CountedRecord[]): Promise<CountedRecord[][]> {
    const out: CountedRecord[][] = [];
    let current: CountedRecord[] = [];
    for (const r of records) {
      const next = [...current, r];
      if (current.length > 0 && itemCount(next) > MAX_TRANSACTION_ITEMS) {
        out.push(current);
        current = [r];
      } else current = next;
    }
    if (current.length) out.push(current);
    return out;
  }

  private async items(records: readonly CountedRecord[], nowMs: number): Promise<Array<[string, TransactItem]>> {
    const items: Array<[string, TransactItem]> = records.map((r) => [
      `seen:${r.id}`,
      {
        Put: {
          TableName: this.table,
          Item: { ...statsSeenKey(r.id), expiresAt: ttlAttribute(nowMs + RETENTION_MS.statsSeen) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ]);
    // One of the day's items, at random (again on a retry): concurrent batches seldom meet on one.
    const shard = Math.floor(Math.random() * STATS_SHARDS);
    for (const day of mergeCounts(records.flatMap((r) => r.effects.counts)).values()) {
      items.push([
        `day:${day.date}#${day.gameId}`,
        this.addUpdate(
          statsDayKey(day.date, day.gameId, shard),
          day.figures,
          { date: day.date, gameId: day.gameId },
          beijingMidnight(day.date) + RETENTION_MS.statsFigures,
        ),
      ]);
    }
    const weekPlay = sumWeekPlay(records.flatMap((r) => r.effects.weekPlay));
    if (weekPlay.length) {
      const totals = await this.personWeeks(weekPlay);
      const bands = new Map<string, Map<string, number>>();
      const move = (week: string, band: string | null, n: number) => {
        if (!band) return;
        const m = bands.get(week) ?? new Map<string, number>();
        m.set(`band:${band}`, (m.get(`band:${band}`) ?? 0) + n);
        bands.set(week, m);
      };
      for (const w of weekPlay) {
        const known = totals.get(`${w.week}#${w.person}`);
        const before = known?.seconds;
        const after = (before ?? 0) + w.seconds;
        const key = statsPersonWeekKey(w.week, w.person);
        // Conditioned on the value read; a total read from where it was kept before it was spread is
        // carried over into the new item, created only if absent.
        const current = known !== undefined && !known.unsharded;
        items.push([
          `personWeek:${w.week}#${w.person}`,
          {
            Put: {
              TableName: this.table,
              Item: { ...key, seconds: after, expiresAt: ttlAttribute(beijingMidnight(w.week) + RETENTION_MS.statsPersonWeek) },
              ConditionExpression: current ? 'seconds = :before' : 'attribute_not_exists(pk)',
              ...(current ? { ExpressionAttributeValues: { ':before': before } } : {}),
            },
          },
        ]);
        const from = weekBand(before ?? 0);
        const to = weekBand(after);
        if (from !== to) {
          move(w.week, from, -1);
          move(w.week, to, 1);
        }
      }
      for (const [week, figures] of bands)
        items.push([
          `week:${week}`,
          this.addUpdate(statsWeekKey(week, shard), figures, { week }, beijingMidnight(addDays(week, 7)) + RETENTION_MS.statsFigures),
        ]);
    }
    return items;
  }

  private addUpdate(key: { pk: string; sk: string }, figures: Map<string, number>, fixed: Record<string, string>, keepUntilMs: number): TransactItem {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':exp': ttlAttribute(keepUntilMs) };
    const adds: string[] = [];
    [...figures.entries()].forEach(([figure, n], i) => {
      names[`#f${i}`] = figure;
      values[`:f${i}`] = n;
      adds.push(`#f${i} :f${i}`);
    });
    const sets = ['expiresAt = :exp'];
    Object.entries(fixed).forEach(([k, v], i) => {
      names[`#k${i}`] = k;
      values[`:k${i}`] = v;
      sets.push(`#k${i} = :k${i}`);
    });
    return {
      Update: {
        TableName: this.table,
        Key: key,
        UpdateExpression: `SET ${sets.join(', ')}${adds.length ? ` ADD ${adds.join(', ')}` : ''}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    };
  }

  /**
   * The people's week totals, by `<week>#<person>`: from their items, or from where they were kept
   * before they were spread (`unsharded`) when there is no item yet.
   */
  private async personWeeks(weekPlay: readonly WeekPlay[]): Promise<Map<string, { seconds: number; unsharded: boolean }>> {
    const out = new Map<string, { seconds: number; unsharded: boolean }>();
    const wanted = weekPlay.flatMap((w) => [
      { w, key: statsPersonWeekKey(w.week, w.person), unsharded: false },
      { w, key: unshardedPersonWeekKey(w.week, w.person), unsharded: true },
    ]);
    const found = new Map<string, number>();
    for (const item of await batchGet(
      this.db,
      this.table,
      wanted.map((x) => x.key),
    ))
      found.set(`${String(item.pk)}\u0000${String(item.sk)}`, Number(item.seconds ?? 0));
    for (const { w, key, unsharded } of wanted) {
      const seconds = found.get(`${key.pk}\u0000${key.sk}`);
      const id = `${w.week}#${w.person}`;
      if (seconds === undefined) continue;
      // The item wins over where the total was kept before.
      const had = out.get(id);
      if (!had || (had.unsharded && !unsharded)) out.set(id, { seconds, unsharded });
    }
    return out;
  }

  /**
   * Erasure: deletes the person's week totals (every week whose item may still exist). Returns
   * whether there was any. The bands already counted stay (they name no one).
   */
  async forgetPerson(identityHash: string, nowMs: number): Promise<boolean> {
    const thisWeek = weekOf(beijingDate(nowMs));
    let any = false;
    for (let w = 0; w * 7 <= RETENTION_MS.statsPersonWeek / 86_400_000 + 7; w += 1) {
      for (const key of [statsPersonWeekKey(addDays(thisWeek, -7 * w), identityHash), unshardedPersonWeekKey(addDays(thisWeek, -7 * w), identityHash)]) {
        const r = await this.db.send(new DeleteCommand({ TableName: this.table, Key: key, ReturnValues: 'ALL_OLD' }));
        if (r.Attributes) any = true;
      }
    }
    return any;
  }

  /** The stored days between two Beijing days (inclusive), every game, oldest first (a day's items added up). */
  async days(from: BeijingDate, to: BeijingDate): Promise<StoredDay[]> {
    const out = new Map<string, StoredDay>();
    for (const month of monthsBetween(from, to)) {
      const partitions = [statsMonthPartition(month), ...Array.from({ length: STATS_SHARDS }, (_, shard) => statsMonthPartition(month, shard))];
      const items = (await Promise.all(partitions.map((pk) => queryBetween(this.db, this.table, pk, `${from}#`, `${to}#\uffff`)))).flat();
      for (const item of items.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : String(a.sk) > String(b.sk) ? 1 : 0))) {
        const key = `${String(item.date)}#${String(item.gameId)}`;
        const day = out.get(key) ?? out.set(key, { date: String(item.date), gameId: String(item.gameId), figures: {} }).get(key)!;
        for (const [figure, n] of Object.entries(figuresOf(item))) day.figures[figure] = (day.figures[figure] ?? 0) + n;
      }
    }
    return [...out.values()];
  }

  /** The week distributions of the weeks starting between two days (inclusive; a week's items added up). */
  async weeks(from: BeijingDate, to: BeijingDate): Promise<Array<{ week: BeijingDate; bands: Record<string, number> }>> {
    const partitions = [statsWeeksPartition(), ...Array.from({ length: STATS_SHARDS }, (_, shard) => statsWeeksPartition(shard))];
    const items = (await Promise.all(partitions.map((pk) => queryBetween(this.db, this.table, pk, from, to)))).flat();
    const out = new Map<string, Record<string, number>>();
    for (const item of items.sort((a, b) => (String(a.sk) < String(b.sk) ? -1 : String(a.sk) > String(b.sk) ? 1 : 0))) {
      const week = String(item.sk);
      const bands = out.get(week) ?? out.set(week, {}).get(week)!;
      for (const [k, v] of Object.entries(item)) if (k.startsWith('band:') && typeof v === 'number') bands[k.slice(5)] = (bands[k.slice(5)] ?? 0) + v;
    }
    return [...out.entries()].map(([week, bands]) => ({ week, bands }));
  }
}

function sumWeekPlay(weekPlay: readonly WeekPlay[]): WeekPlay[] {
  const out = new Map<string, WeekPlay>();
  for (const w of weekPlay) {
    const key = `${w.week}#${w.person}`;
    const had = out.get(key);
    out.set(key, { ...w, seconds: (had?.seconds ?? 0) + w.seconds });
  }
  return [...out.values()];
}

/** Transaction items a set of records needs (before merging weeks' band updates: an upper bound). */
function itemCount(records: readonly CountedRecord[]): number {
  const days = mergeCounts(records.flatMap((r) => r.effects.counts)).size;
  const weekPlay = sumWeekPlay(records.flatMap((r) => r.effects.weekPlay));
  const weeks = new Set(weekPlay.map((w) => w.week)).size;
  return records.length + days + weekPlay.length + weeks;
}

/**
 * The Beijing months (`YYYY-MM`) from one day's to another's, counted by number (as strings,
 * "10000-01" sorts before "9999-12"). Bounded where it loops: the days must be a range an operator
 * may read at once (a year's report reads 366 at most), else a RangeError.
 */
export function monthsBetween(from: BeijingDate, to: BeijingDate): string[] {
  daysFrom(from, to, OPERATOR_RANGE_DAYS); // the guard: throws on any other range
  const monthNumber = (day: BeijingDate) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1;
  const out: string[] = [];
  for (let n = monthNumber(from); n <= monthNumber(to); n += 1)
    out.push(`${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`);
  return out;
}
