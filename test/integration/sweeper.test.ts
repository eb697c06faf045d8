/**
 * The session sweeper at scale (docs/capacity.md): live sessions spread over the sweep index's 256
 * shards, each on its own 10-minute bucket grid (so sessions beating at one instant do not all move
 * their entries at once), and a sweep that pages through the candidates, ending the silent ones
 * several at a time, until a page holds none past its deadline.
 */
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '#shared/domain/playPolicy';
import type { SessionRecord } from '#shared/sessions/repository';
import { sweepSessions } from '#shared/sessions/service';
import { LIVE_PREFIX, LIVE_SHARDS, liveSessionIndex, sessionKey } from '#shared/storage/keys';
import { freshTable, repositories } from '#test/support/table';

const { db, table } = await freshTable();
const repo = repositories(db, table).sessions;
const NOW = Date.parse('2026-11-27T21:30:00+08:00');
const BUCKET = 10 * 60_000;

/** A session id whose sweep-index entry is in `shard` (any shard when omitted). */
function idIn(shard?: number, accept: (id: string) => boolean = () => true): string {
  for (;;) {
    const id = randomBytes(16).toString('hex');
    if ((shard === undefined || liveSessionIndex(id, 0, BUCKET).gsi1pk === `${LIVE_PREFIX}${shard}`) && accept(id)) return id;
  }
}
const bucketStart = (id: string, at: number) => Number(liveSessionIndex(id, at, BUCKET).gsi1sk.slice(0, 15));

async function session(lastHeartbeatAt: number, intervalSeconds: number, shard?: number, accept?: (id: string) => boolean): Promise<SessionRecord> {
  const sessionId = idIn(shard, accept);
  const s: SessionRecord = {
    sessionId,
    accountId: `acct-${sessionId.slice(0, 6)}`,
    identityHash: `h-${sessionId.slice(0, 6)}`,
    deviceHash: 'd',
    birthDate: '1990-01-01',
    playedBeforeSeconds: 0,
    startedAt: lastHeartbeatAt - 60_000,
    lastHeartbeatAt,
    lastSeq: 1,
    intervalSeconds,
    state: 'live',
    minorAtLogin: intervalSeconds < 600,
    identityLeased: false,
    gameId: 'default',
  };
  await db.send(new PutCommand({ TableName: table, Item: { ...sessionKey(sessionId), ...s, ...liveSessionIndex(sessionId, lastHeartbeatAt, BUCKET) } }));
  return s;
}
const stateOf = async (s: SessionRecord) =>
  (await db.send(new GetCommand({ TableName: table, Key: sessionKey(s.sessionId), ConsistentRead: true }))).Item?.state;

describe('the sweep index', () => {
  it(
    'keys each session under one of 256 shards, by a bucket start never later than its heartbeat and ' + "within 10 minutes of it, on the session's own grid",
    () => {
      const beat = Date.parse('2026-11-27T20:50:00+08:00');
      // Fixed ids (a session id is 32 random hex characters): the same spread every run.
      const ids = Array.from({ length: 4000 }, (_, i) => createHash('md5').update(`session-${i}`).digest('hex'));
      const entries = ids.map((id) => liveSessionIndex(id, beat, BUCKET));
      const shards = new Set(entries.map((e) => e.gsi1pk));
      expect(LIVE_SHARDS).toBe(256);
      expect(shards.size).toBe(256);
      for (const e of entries) {
        const start = Number(e.gsi1sk.slice(0, 15));
        expect(start).toBeLessThanOrEqual(beat);
        expect(beat - start).toBeLessThan(BUCKET);
      }
      // Sessions beating at one instant (a minor's warning mark) and again 5 minutes later: about half
      // cross their own bucket line between the two (on the wall clock's grid, all or none would).
      const moved = ids.filter((id) => liveSessionIndex(id, beat, BUCKET).gsi1sk !== liveSessionIndex(id, beat + 300_000, BUCKET).gsi1sk).length;
      expect(moved / ids.length).toBeGreaterThan(0.4);
      expect(moved / ids.length).toBeLessThan(0.6);
      // Also within one shard (the grid's offset does not follow the shard).
      const inOne = Array.from({ length: 100 }, () => idIn(7));
      const movedInOne = inOne.filter((id) => liveSessionIndex(id, beat, BUCKET).gsi1sk !== liveSessionIndex(id, beat + 300_000, BUCKET).gsi1sk).length;
      expect(movedInOne).toBeGreaterThan(30);
      expect(movedInOne).toBeLessThan(70);
      // Within a bucket, a session's key stays put.
      for (const id of ids.slice(0, 50)) {
        const e = liveSessionIndex(id, beat, BUCKET);
        const start = Number(e.gsi1sk.slice(0, 15));
        expect(liveSessionIndex(id, start + BUCKET - 1, BUCKET).gsi1sk).toBe(e.gsi1sk);
        expect(liveSessionIndex(id, start + BUCKET, BUCKET).gsi1sk).not.toBe(e.gsi1sk);
      }
    },
  );
});

describe('the sweep', () => {
  it('pages through the candidates until none is past its deadline, and ends every silent session in one run', async () => {
    // 60 sessions silent past their deadline (minors 630 s, adults 1,230 s), 20 still within it.
    const silent = [
      ...(await Promise.all(Array.from({ length: 30 }, () => session(NOW - 700_000, 300)))),
      ...(await Promise.all(Array.from({ length: 30 }, () => session(NOW - 1_300_000, 600)))),
    ];
    const alive = [
      ...(await Promise.all(Array.from({ length: 10 }, () => session(NOW - 200_000, 300)))),
      ...(await Promise.all(Array.from({ length: 8 }, () => session(NOW - 900_000, 600)))),
    ];
    // In shard 7: two adults not yet due (silent 1,100 s: their entries come first), then a silent minor behind them.
    alive.push(await session(NOW - 1_100_000, 600, 7), await session(NOW - 1_090_000, 600, 7));
    silent.push(await session(NOW - 800_000, 300, 7, (id) => bucketStart(id, NOW - 800_000) > NOW - 1_090_000));
    // One candidate a shard a page: the run has to read three pages of shard 7 to find its minor.
    const run = await sweepSessions({ repo, policy: PRESETS['nppa-2021'], games: [{ gameId: 'default' }] as never }, NOW, () => false, 1);
    expect(run.ended).toBe(61);
    expect(await Promise.all(silent.map(stateOf))).toEqual(silent.map(() => 'ended'));
    expect(await Promise.all(alive.map(stateOf))).toEqual(alive.map(() => 'live'));
    // What is left in the index is only the live ones.
    let indexed = 0;
    for (let shard = 0; shard < LIVE_SHARDS; shard += 1)
      indexed +=
        (
          await db.send(
            new QueryCommand({
              TableName: table,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :p',
              ExpressionAttributeValues: { ':p': `${LIVE_PREFIX}${shard}` },
            }),
          )
        ).Count ?? 0;
    expect(indexed).toBe(20);
    // A second run finds nothing more to end.
    expect((await sweepSessions({ repo, policy: PRESETS['nppa-2021'], games: [{ gameId: 'default' }] as never }, NOW, () => false, 1)).ended).toBe(0);
  });

  it('stops taking new sessions when its time is up', async () => {
    await Promise.all(Array.from({ length: 40 }, () => session(NOW + 3_600_000 - 700_000, 300)));
    let asked = 0;
    const run = await sweepSessions({ repo, policy: PRESETS['nppa-2021'], games: [{ gameId: 'default' }] as never }, NOW + 3_600_000, () => (asked += 1) > 10);
    expect(run.ended).toBeGreaterThan(0);
    expect(run.ended).toBeLessThan(40);
  });
});
