/**
 * The stats aggregator against DynamoDB Local: change-stream records and figure events become the
 * operators' figures, each exactly once — the same record fed twice (a Lambda retry, a restarted
 * poller) never counts twice, within one batch or across batches.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '#shared/domain/calendar';
import { PRESETS } from '#shared/domain/playPolicy';
import { StatsRepository } from '#shared/stats/repository';
import { countLogEvents, countStreamRecords, type StatsDeps, type StreamRecord } from '#shared/stats/service';
import {
  challengeKey,
  identityKey,
  orderKey,
  sessionKey,
  statsDayKey,
  statsMonthPartition,
  statsPersonWeekKey,
  statsWeekKey,
  STATS_SHARDS,
  unshardedPersonWeekKey,
} from '#shared/storage/keys';
import { figuresView } from '#shared/stats/report';
import { useLogSink } from '#shared/log';
import { freshTable } from '#test/support/table';

const at = (iso: string) => Date.parse(iso);
let deps: StatsDeps;
let repo: StatsRepository;

let db: DynamoDBDocumentClient;
let table: string;

beforeAll(async () => {
  ({ db, table } = await freshTable());
  repo = new StatsRepository(db, table);
  deps = { repo, context: { policyFor: () => PRESETS['nppa-2021'], calendar: createCalendar(), firstGame: 'g-main' }, now: () => Date.now() };
});

const record = (
  eventID: string,
  eventName: 'INSERT' | 'MODIFY',
  key: { pk: string; sk: string },
  newImage: Record<string, unknown>,
  oldImage?: Record<string, unknown>,
): StreamRecord => ({
  eventID,
  eventName,
  dynamodb: {
    Keys: marshall(key),
    NewImage: marshall({ ...key, ...newImage }, { removeUndefinedValues: true }),
    ...(oldImage ? { OldImage: marshall({ ...key, ...oldImage }) } : {}),
    ApproximateCreationDateTime: 1_800_000_000,
  },
});

// Friday 2026-12-04, an ordinary Friday: minors may play 20:00–21:00.
const started = at('2026-12-04T20:10:00+08:00');
const minorSession = { sessionId: 's1', accountId: 'a1', identityHash: 'h1', gameId: 'g-main', minorAtLogin: true, startedAt: started, state: 'live' };
const records: StreamRecord[] = [
  record('e1', 'INSERT', sessionKey('s1'), minorSession),
  record('e2', 'MODIFY', sessionKey('s1'), { ...minorSession, state: 'ended', endReason: 'logout', endedAt: started + 30 * 60_000 }, minorSession),
  record('e3', 'INSERT', orderKey('o1'), { orderId: 'o1', gameId: 'g-main', day: '2026-12-04', status: 'reserved', amount: 3000, ageBand: 16 }),
  record(
    'e4',
    'MODIFY',
    orderKey('o1'),
    { orderId: 'o1', gameId: 'g-main', day: '2026-12-04', status: 'committed', amount: 3000, ageBand: 16 },
    { status: 'reserved' },
  ),
  record('e5', 'INSERT', challengeKey('c1'), { signal: 'night_patrol', gameId: 'g-main', status: 'open', createdAt: started }),
  record('e6', 'MODIFY', identityKey('h1'), { status: 'verified', updatedAt: started - 3600_000 }, { status: 'pending' }),
];

describe('the stats aggregator', () => {
  it('counts a day of changes into the contract figures', async () => {
    expect(await countStreamRecords(deps, records)).toEqual({ counted: 6, repeated: 0 });
    const [day] = await repo.days('2026-12-04', '2026-12-04');
    expect(day?.gameId).toBe('g-main');
    const v = figuresView(day!.figures);
    expect(v.logins).toEqual({ minor: 1, adult: 0 });
    expect(v.minorSessions).toBe(1);
    expect(v.minorPlayedSeconds).toBe(1800);
    expect(v.minorSecondsOutsideWindows).toBe(0);
    expect(v.terminations).toEqual({ logout: 1 });
    expect(v.payments).toEqual({ reserved: 1, committed: 1, refused: {}, committedAmount: { '16': 3000 } });
    expect(v.challenges).toEqual({ night_patrol: { issued: 1, passed: 0, failed: 0, expired: 0 } });
    expect(v.identities).toEqual({ verified: 1, rejected: 0, pending: 0 });
    expect(await repo.weeks('2026-11-30', '2026-11-30')).toEqual([{ week: '2026-11-30', bands: { upTo1h: 1 } }]);
  });

  it('never counts a replayed record twice, alone or in a batch with new ones', async () => {
    expect(await countStreamRecords(deps, records)).toEqual({ counted: 0, repeated: 6 });
    const late = { ...minorSession, sessionId: 's2', startedAt: started + 40 * 60_000 };
    // s2 runs 20:50–21:20: its last 20 minutes lie outside the window (the self-check shows them).
    const batch = [
      records[0]!,
      record('e7', 'INSERT', sessionKey('s2'), late),
      record('e8', 'MODIFY', sessionKey('s2'), { ...late, state: 'ended', endReason: 'session_expired', endedAt: late.startedAt + 30 * 60_000 }, late),
      records[3]!,
    ];
    const lines: string[] = [];
    useLogSink((line) => lines.push(line));
    try {
      expect(await countStreamRecords(deps, batch)).toEqual({ counted: 2, repeated: 2 });
      expect(await countStreamRecords(deps, [...batch, ...batch])).toEqual({ counted: 0, repeated: 8 });
    } finally {
      useLogSink((line) => process.stdout.write(line + '\n'));
    }
    // The self-check becomes a metric (alarmed, infra/stack/observability.ts), once: not again for the replay.
    expect(lines.filter((l) => l.includes('"MinorSecondsOutsideWindows":')).map((l) => JSON.parse(l).MinorSecondsOutsideWindows)).toEqual([1200]);
    const v = figuresView((await repo.days('2026-12-04', '2026-12-04'))[0]!.figures);
    expect(v.logins.minor).toBe(2);
    expect(v.payments.committed).toBe(1);
    expect(v.minorPlayedSeconds).toBe(3600);
    expect(v.minorSecondsOutsideWindows).toBe(1200);
    // The same person played 60 minutes that week: still one minor, still in the first band.
    expect(await repo.weeks('2026-11-30', '2026-11-30')).toEqual([{ week: '2026-11-30', bands: { upTo1h: 1 } }]);
  });

  it('counts figure events from the logs once per event id', async () => {
    const line = (o: Record<string, unknown>) => JSON.stringify({ level: 'info', message: 'figure event', ...o });
    const events = [
      { id: 'l1', message: line({ stat: 'loginRefused', gameId: 'g-main', code: 'play_time_restricted', at: started }) },
      { id: 'l2', message: line({ stat: 'paymentRefused', gameId: 'g-main', limit: 'single', at: started }) },
      { id: 'l3', message: 'not json' },
      // A runtime that wraps the line in its own JSON record.
      { id: 'l4', message: JSON.stringify({ level: 'INFO', message: line({ stat: 'piExport', gameId: 'g-main', at: started }) }) },
    ];
    expect(await countLogEvents(deps, events)).toEqual({ counted: 3, repeated: 0 });
    expect(await countLogEvents(deps, events)).toEqual({ counted: 0, repeated: 3 });
    const v = figuresView((await repo.days('2026-12-04', '2026-12-04'))[0]!.figures);
    expect(v.refusedLogins).toEqual({ play_time_restricted: 1 });
    expect(v.payments.refused).toEqual({ single: 1 });
    expect(v.piExports).toBe(1);
  });

  it('moves a person between bands of the week distribution as their week grows', async () => {
    const base = at('2026-12-05T20:00:00+08:00');
    const s = (id: string, from: number, minutes: number) => {
      const live = { sessionId: id, accountId: 'a9', identityHash: 'h9', gameId: 'g-main', minorAtLogin: true, startedAt: from, state: 'live' };
      return record(`end-${id}`, 'MODIFY', sessionKey(id), { ...live, state: 'ended', endReason: 'logout', endedAt: from + minutes * 60_000 }, live);
    };
    await countStreamRecords(deps, [s('w1', base, 60)]);
    await countStreamRecords(deps, [s('w2', base + 86_400_000, 60), s('w3', base + 86_400_000 + 3_600_000, 1)]);
    expect(await repo.weeks('2026-11-30', '2026-11-30')).toEqual([{ week: '2026-11-30', bands: { upTo1h: 1, '2to3h': 1 } }]);
  });

  it("forgets a person's week totals on erasure, keeping the distribution's counts", async () => {
    const now = at('2026-12-06T12:00:00+08:00');
    expect(await repo.forgetPerson('h9', now)).toBe(true);
    expect(await repo.forgetPerson('h9', now)).toBe(false);
    expect(await repo.weeks('2026-11-30', '2026-11-30')).toEqual([{ week: '2026-11-30', bands: { upTo1h: 1, '2to3h': 1 } }]);
  });
});

describe('the figures at 21:00 (docs/capacity.md)', () => {
  // Saturday 2026-12-12 and its week, which nothing above touches.
  const night = at('2026-12-12T20:00:00+08:00');
  const ended = (n: number, minutes: number, person = `p${n}`) => {
    const live = { sessionId: `n${n}`, accountId: `a${n}`, identityHash: person, gameId: 'g-main', minorAtLogin: true, startedAt: night, state: 'live' };
    return [
      record(`in-${n}`, 'INSERT', sessionKey(`n${n}`), live),
      record(
        `end-${n}`,
        'MODIFY',
        sessionKey(`n${n}`),
        { ...live, state: 'ended', endReason: 'outside_allowed_hours', endedAt: night + minutes * 60_000 },
        live,
      ),
    ];
  };

  it('counts batches arriving at the same moment, each once, into a day spread over partitions that are added up', async () => {
    // 40 batches at once, as the stream's shards hand them over at 21:00: each adds to one of the
    // day's items, chosen at random (again when it meets another batch there).
    const runs = await Promise.all(Array.from({ length: 40 }, (_, n) => countStreamRecords(deps, ended(n, 60))));
    expect(runs.reduce((a, r) => a + r.counted, 0)).toBe(80);
    const partitions = Array.from({ length: STATS_SHARDS }, (_, shard) => statsMonthPartition('2026-12', shard));
    const items = (
      await Promise.all(
        partitions.map(
          async (p) =>
            (
              await db.send(
                new QueryCommand({
                  TableName: table,
                  KeyConditionExpression: 'pk = :p AND begins_with(sk, :d)',
                  ExpressionAttributeValues: { ':p': p, ':d': '2026-12-12#' },
                }),
              )
            ).Items ?? [],
        ),
      )
    ).flat();
    // Spread over several of the day's 16 partitions, one item each.
    expect(items.length).toBeGreaterThan(1);
    expect(items.length).toBeLessThanOrEqual(STATS_SHARDS);
    const [day] = await repo.days('2026-12-12', '2026-12-12');
    const v = figuresView(day!.figures);
    expect(v.logins.minor).toBe(40);
    expect(v.minorPlayedSeconds).toBe(40 * 3600);
    expect(await repo.weeks('2026-12-07', '2026-12-07')).toEqual([{ week: '2026-12-07', bands: { upTo1h: 40 } }]);
  });

  it('adds the items written before the figures were spread to the spread ones', async () => {
    await db.send(
      new PutCommand({ TableName: table, Item: { ...statsDayKey('2026-12-12', 'g-main'), date: '2026-12-12', gameId: 'g-main', 'logins:minor': 5 } }),
    );
    await db.send(new PutCommand({ TableName: table, Item: { ...statsWeekKey('2026-12-07'), week: '2026-12-07', 'band:upTo1h': 2 } }));
    expect(figuresView((await repo.days('2026-12-12', '2026-12-12'))[0]!.figures).logins.minor).toBe(45);
    expect(await repo.weeks('2026-12-07', '2026-12-07')).toEqual([{ week: '2026-12-07', bands: { upTo1h: 42 } }]);
  });

  it("carries a person's week total kept before the items were spread into the spread item, and moves the person from band to band once", async () => {
    // A person with 50 minutes that week, counted in the first band, kept where totals were kept before.
    await db.send(new PutCommand({ TableName: table, Item: { ...unshardedPersonWeekKey('2026-12-07', 'carried'), seconds: 3000 } }));
    await db.send(
      new UpdateCommand({
        TableName: table,
        Key: statsWeekKey('2026-12-07', 0),
        UpdateExpression: 'SET week = :w ADD #b :one',
        ExpressionAttributeNames: { '#b': 'band:upTo1h' },
        ExpressionAttributeValues: { ':w': '2026-12-07', ':one': 1 },
      }),
    );
    await countStreamRecords(deps, ended(100, 20, 'carried'));
    expect((await db.send(new GetCommand({ TableName: table, Key: statsPersonWeekKey('2026-12-07', 'carried'), ConsistentRead: true }))).Item?.seconds).toBe(
      4200,
    );
    expect(await repo.weeks('2026-12-07', '2026-12-07')).toEqual([{ week: '2026-12-07', bands: { upTo1h: 42, '1to2h': 1 } }]);
    // Erased, both are gone.
    expect(await repo.forgetPerson('carried', at('2026-12-12T22:00:00+08:00'))).toBe(true);
    for (const key of [statsPersonWeekKey('2026-12-07', 'carried'), unshardedPersonWeekKey('2026-12-07', 'carried')])
      expect((await db.send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item).toBeUndefined();
  });
});
