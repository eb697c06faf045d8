/**
 * The key catalogue: every `pk`/`sk` and every `gsi1` index key of the single table is built here
 * and nowhere else (docs/data.md describes each item). Repositories take keys from this module;
 * no other module spells a key prefix.
 *
 * | item               | pk                      | sk                        | gsi1pk / gsi1sk (sparse)                 |
 * |--------------------|-------------------------|---------------------------|------------------------------------------|
 * | account            | ACCOUNT#<accountId>     | ACCOUNT                   | CORRECTION_PENDING / <time>#<accountId>  |
 * | pending check      | ACCOUNT#<accountId>     | CHECK                     | CHECKS_PENDING / <submitted>#<accountId> |
 * | identity (person)  | IDENTITY#<hmac>         | IDENTITY                  |                                          |
 * | minor's lease      | IDENTITY#<hmac>         | LEASE#<scope>             |                                          |
 * | day play           | IDENTITY#<hmac>         | PLAY#<date>               |                                          |
 * | spend ledger       | IDENTITY#<hmac>         | SPEND#D#<date>, SPEND#M#<month> |                                    |
 * | session            | SESSION#<si>            | SESSION                   | LIVE#<shard> / <heartbeat bucket>#<si>   |
 * | order              | ORDER#<orderId>         | ORDER                     | RESERVED#<shard> / <expiry>#<orderId>    |
 * | NPPA event         | OUTBOX#<si>             | LOGIN, LOGOUT             | OUTBOX#<game>#<shard> / <time>#<si>#<bt> |
 * | device             | DEVICE#<hmac>           | DEVICE                    |                                          |
 * | challenge          | CHALLENGE#<id>          | CHALLENGE                 | CHALLENGE_OPEN / <expiry>#<id>           |
 * | audit entry        | AUDIT#<accountId>       | <time>#<random>           |                                          |
 * | rate gate second   | RATE#<gate>             | <epoch second>            |                                          |
 * | drainer lease      | LEASE#<job>             | LEASE                     |                                          |
 * | erasure record     | ACCOUNT#<accountId>     | ERASED                    |                                          |
 * | access-log entry   | ACCESSLOG#<date>        | <time>#<random>           |                                          |
 * | guardianship       | IDENTITY#<hmac>         | GUARDIANS                 |                                          |
 * | payment approval   | IDENTITY#<hmac>         | APPROVAL#<amount>#<order> |                                          |
 * | guardian's ward    | GUARDIAN#<accountId>    | WARD#<wardId>             |                                          |
 * | look-up attempts   | IDENTITY#<hmac>         | LOOKUPS#<date>            |                                          |
 * | confirm attempts   | IDENTITY#<hmac>         | CONFIRMS#<date>           |                                          |
 * | risk restriction   | IDENTITY#<hmac>         | RESTRICTION               |                                          |
 * | webhook event      | WEBHOOK#<id>            | WEBHOOK                   | WEBHOOK_DUE#<shard> / <next try>#<id>    |
 * | dead letter        | OUTBOX#<si>             | LOGIN, LOGOUT             | DEADLETTER / <settled time>#<si>#<bt>    |
 * | day figures        | STATS#<month>#<shard>   | <date>#<gameId>           |                                          |
 * | week distribution  | STATSWEEKS#<shard>      | <week start date>         |                                          |
 * | person's week play | STATSWEEK#<week>#<shard>| <hmac>                    |                                          |
 * | counted change     | STATSSEEN#<event id>    | SEEN                      |                                          |
 * | register entry     | REGISTER#<date>         | <time>#<complaintId>      | REGISTER_OPEN / <due>#<complaintId>      |
 *
 * A second sparse index, `gsi2` (keys only), finds an account's sessions, orders and register entries
 * for export, erasure, the operator view and the player's complaints: `gsi2pk` ACCOUNT#<accountId>,
 * `gsi2sk` SESSION#<time>#<si>, ORDER#<time>#<orderId> or REGISTER#<time>#<complaintId>. It is written with
 * the item (no extra request) and never changes after.
 *
 * test/unit/storageKeys.test.ts fails when another module of shared/ spells a key prefix or an
 * index name.
 */
import { createHash } from 'node:crypto';
import { beijingDate } from '#shared/domain/beijingTime';
import { tableDesign } from '#shared/storage/tableDesign';

export type Key = { pk: string; sk: string };

/**
 * The sparse index of the work queues (`gsi1`): pending checks, live sessions, reservations, open challenges,
 * unsent events, due webhooks, corrections, dead letters.
 */
export const WORK_QUEUE_INDEX = tableDesign.indexes[0];

/** Epoch ms as a fixed-width string, so index sort keys order by time. */
export const sortableTime = (ms: number): string => String(Math.max(0, Math.floor(ms))).padStart(15, '0');

/** A shard from a SHA-1 of the id (its first byte up to 256 shards, as it always was; two bytes beyond). */
const shardOf = (id: string, shards: number): number => {
  const digest = createHash('sha1').update(id).digest();
  return shards <= 256 ? digest[0]! % shards : digest.readUInt16BE(0) % shards;
};
/** A number in [0, 1) from a SHA-1 of the id (bytes the shard does not use, so the two are independent). */
const fractionOf = (id: string): number => createHash('sha1').update(id).digest().readUInt32BE(4) / 2 ** 32;

// Accounts and persons
const ACCOUNT = 'ACCOUNT#';
export const accountKey = (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'ACCOUNT' });
/** The account id in the `pk` of an item of the account's partition (account, pending check). */
export const accountIdOf = (item: { pk?: unknown }): string => String(item.pk).slice(ACCOUNT.length);
const IDENTITY = 'IDENTITY#';
export const identityKey = (identityHash: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: 'IDENTITY' });
/** The identity hash in an identity item's `pk`. */
export const identityHashOf = (item: { pk?: unknown }): string => String(item.pk).slice(IDENTITY.length);
/** A minor's one live session per `scope`: a game id, or every game (shared/domain/sessionRules.ts `identityLeaseScope`). */
export const identityLeaseKey = (identityHash: string, scope: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: `LEASE#${scope}` });
export const DAY_PLAY_PREFIX = 'PLAY#';
export const dayPlayKey = (identityHash: string, day: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: `${DAY_PLAY_PREFIX}${day}` });
/** The Beijing day of a day-play item. */
export const dayOfDayPlay = (item: { sk?: unknown }): string => String(item.sk).slice(DAY_PLAY_PREFIX.length);
export const SPEND_PREFIX = 'SPEND#';
const SPEND_DAY = 'SPEND#D#';
const SPEND_MONTH = 'SPEND#M#';
export const spendDayKey = (identityHash: string, day: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: `${SPEND_DAY}${day}` });
export const spendMonthKey = (identityHash: string, month: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: `${SPEND_MONTH}${month}` });
/** Which ledger counter an item of the person's partition is: a day's or a month's, and its period. */
export const spendCounterOf = (item: { sk?: unknown }): { kind: 'day' | 'month'; period: string } => {
  const sk = String(item.sk);
  return sk.startsWith(SPEND_DAY) ? { kind: 'day', period: sk.slice(SPEND_DAY.length) } : { kind: 'month', period: sk.slice(SPEND_MONTH.length) };
};

/**
 * An account's real-name check the national system has not answered yet (in progress, or not sent:
 * an outage, or over the national system's rate). Its outcome concerns this account only.
 */
export const pendingCheckKey = (accountId: string): Key => ({ pk: `${ACCOUNT}${accountId}`, sk: 'CHECK' });
/** Pending real-name checks, oldest first, for the poller. */
export const CHECKS_PENDING = 'CHECKS_PENDING';
export const pendingCheckIndex = (submittedAt: number, accountId: string) => ({ gsi1pk: CHECKS_PENDING, gsi1sk: `${sortableTime(submittedAt)}#${accountId}` });
/**
 * A person under minor rules after a failed or expired face check (docs/rules.md "Account rental and
 * sharing"): accounts bound to the person while it lasts get the minor rules too, also after an erasure.
 */
export const riskRestrictionKey = (identityHash: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: 'RESTRICTION' });

// Sessions
/**
 * Live sessions spread over 256 index partitions: at 21:00 every minor's heartbeat and end of play
 * write the sweep index within seconds, and one partition takes at most 1,000 write units a second
 * (docs/capacity.md). Sessions indexed under fewer shards before keep theirs (a lower number): the
 * sweeper reads every shard.
 */
export const LIVE_SHARDS = 256;
export const LIVE_PREFIX = 'LIVE#';
/** The `pk` prefix of sessions (a one-off backfill scans for it). */
export const SESSION_PREFIX = 'SESSION#';
export const sessionKey = (sessionId: string): Key => ({ pk: `${SESSION_PREFIX}${sessionId}`, sk: 'SESSION' });
/**
 * Sweeper index entry of a live session: its shard, and its last heartbeat rounded down to its own
 * `bucketMs` grid (the key moves once per bucket, not on every heartbeat). Each session's grid is
 * offset by a fraction of the bucket taken from its id, so the sessions that beat at one instant (a
 * minor's warning marks) do not all cross a bucket line, and move their entries, at once. The value
 * is never later than the heartbeat, so the sweeper's "older than" still finds every silent session.
 */
export const liveSessionIndex = (sessionId: string, lastHeartbeatAt: number, bucketMs: number) => {
  const offset = Math.floor(fractionOf(sessionId) * bucketMs);
  return {
    gsi1pk: `${LIVE_PREFIX}${shardOf(sessionId, LIVE_SHARDS)}`,
    gsi1sk: `${sortableTime(Math.floor((lastHeartbeatAt + offset) / bucketMs) * bucketMs - offset)}#${sessionId}`,
  };
};

// Payments
export const RESERVED_SHARDS = 4;
export const RESERVED_PREFIX = 'RESERVED#';
/** The `pk` prefix of orders (a one-off backfill scans for it). */
export const ORDER_PREFIX = 'ORDER#';
export const orderKey = (orderId: string): Key => ({ pk: `${ORDER_PREFIX}${orderId}`, sk: 'ORDER' });
/** Reserved orders by expiry, for the reservation sweeper. */
export const reservedOrderIndex = (orderId: string, expiresAtMs: number) => ({
  gsi1pk: `${RESERVED_PREFIX}${shardOf(orderId, RESERVED_SHARDS)}`,
  gsi1sk: `${sortableTime(expiresAtMs)}#${orderId}`,
});

// NPPA reporting
/**
 * Each game's unsent events over 64 index partitions: at 21:00 every minor's logout is queued
 * within seconds (docs/capacity.md). Events queued under fewer shards keep theirs (a lower number).
 */
export const OUTBOX_SHARDS = 64;
/** The shards of the queue from before games existed (the single game's). */
export const LEGACY_OUTBOX_SHARDS = 4;
export const outboxKey = (si: string, bt: 0 | 1): Key => ({ pk: `OUTBOX#${si}`, sk: bt === 1 ? 'LOGIN' : 'LOGOUT' });
/** The index partitions of unsent events queued before games existed (the single game's). */
export const LEGACY_OUTBOX_PREFIX = 'OUTBOX#';
/** The index partitions of one game's unsent events: each game drains from its own queue. */
export const outboxQueuePrefix = (gameId: string): string => `OUTBOX#${gameId}#`;
/** Unsent events by time, per game, spread over shards. */
export const outboxIndex = (gameId: string, si: string, bt: 0 | 1, atMs: number) => ({
  gsi1pk: `${outboxQueuePrefix(gameId)}${shardOf(si, OUTBOX_SHARDS)}`,
  gsi1sk: `${sortableTime(atMs)}#${si}#${bt}`,
});
export const rateGateKey = (gate: string, second: number): Key => ({ pk: `RATE#${gate}`, sk: String(second) });
/** The account item's attribute holding its lease in one game (top-level: no parent map has to exist). */
export const ACCOUNT_LEASE_PREFIX = 'lease:';
export const accountLeaseAttribute = (gameId: string): string => `${ACCOUNT_LEASE_PREFIX}${gameId}`;
export const drainerLeaseKey = (job: string): Key => ({ pk: `LEASE#${job}`, sk: 'LEASE' });

// Risk
export const deviceKey = (deviceHash: string): Key => ({ pk: `DEVICE#${deviceHash}`, sk: 'DEVICE' });
export const challengeKey = (challengeId: string): Key => ({ pk: `CHALLENGE#${challengeId}`, sk: 'CHALLENGE' });
export const CHALLENGE_OPEN = 'CHALLENGE_OPEN';
/** Open challenges by expiry, for the challenge sweeper. */
export const openChallengeIndex = (challengeId: string, expiresAtMs: number) => ({
  gsi1pk: CHALLENGE_OPEN,
  gsi1sk: `${sortableTime(expiresAtMs)}#${challengeId}`,
});
export const auditPartition = (accountId: string): string => `AUDIT#${accountId}`;
export const auditKey = (accountId: string, atMs: number, unique: string): Key => ({ pk: auditPartition(accountId), sk: `${sortableTime(atMs)}#${unique}` });

// Personal-information rights
/** What an erasure kept and until when (no hashes): answered again by a repeated erasure. */
export const erasureRecordKey = (accountId: string): Key => ({ pk: `ACCOUNT#${accountId}`, sk: 'ERASED' });
/** Operator access log: one partition per Beijing day, entries by time. */
export const accessLogPartition = (beijingDay: string): string => `ACCESSLOG#${beijingDay}`;
export const accessLogKey = (beijingDay: string, atMs: number, unique: string): Key => ({
  pk: accessLogPartition(beijingDay),
  sk: `${sortableTime(atMs)}#${unique}`,
});

/** Accounts waiting for an operator to apply a looser identity correction (docs/api.md), oldest first. */
export const CORRECTION_PENDING = 'CORRECTION_PENDING';
export const pendingCorrectionIndex = (accountId: string, requestedAt: number) => ({
  gsi1pk: CORRECTION_PENDING,
  gsi1sk: `${sortableTime(requestedAt)}#${accountId}`,
});

// Guardians
/** Every guardian link of a ward (the person) and each guardian's controls: one item, changed atomically. */
export const guardianshipKey = (identityHash: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: 'GUARDIANS' });
/** A payment waiting for (or decided by) a guardian: one per order and amount. */
export const APPROVAL_PREFIX = 'APPROVAL#';
export const approvalKey = (identityHash: string, amount: number, orderId: string): Key => ({
  pk: `${IDENTITY}${identityHash}`,
  sk: `${APPROVAL_PREFIX}${amount}#${orderId}`,
});
export const identityPartition = (identityHash: string): string => `${IDENTITY}${identityHash}`;
const GUARDIAN = 'GUARDIAN#';
export const guardianPartition = (guardianAccountId: string): string => `${GUARDIAN}${guardianAccountId}`;
export const WARD_PREFIX = 'WARD#';
/** A guardian's view of one ward: its opaque `wardId` leads to the person. */
export const wardKey = (guardianAccountId: string, wardId: string): Key => ({ pk: guardianPartition(guardianAccountId), sk: `${WARD_PREFIX}${wardId}` });
/** A guardian person's failed attempts to find a ward on one Beijing day (all its accounts together). */
export const LOOKUPS_PREFIX = 'LOOKUPS#';
export const linkAttemptsKey = (guardianIdentityHash: string, day: string): Key => ({
  pk: `${IDENTITY}${guardianIdentityHash}`,
  sk: `${LOOKUPS_PREFIX}${day}`,
});
/** A ward person's wrong confirmation codes on one Beijing day (all its accounts together). */
export const CONFIRMS_PREFIX = 'CONFIRMS#';
export const confirmAttemptsKey = (identityHash: string, day: string): Key => ({ pk: `${IDENTITY}${identityHash}`, sk: `${CONFIRMS_PREFIX}${day}` });
// Notifications to the publisher (webhooks, docs/design.md "Notifications")
export const WEBHOOK_SHARDS = 4;
/** The index partitions of undelivered events; a dead letter leaves the index. */
export const WEBHOOK_DUE_PREFIX = 'WEBHOOK_DUE#';
export const webhookEventKey = (eventId: string): Key => ({ pk: `WEBHOOK#${eventId}`, sk: 'WEBHOOK' });
/** Undelivered events by their next delivery attempt, spread over shards, for the sender. */
export const webhookDueIndex = (eventId: string, nextAttemptAt: number) => ({
  gsi1pk: `${WEBHOOK_DUE_PREFIX}${shardOf(eventId, WEBHOOK_SHARDS)}`,
  gsi1sk: `${sortableTime(nextAttemptAt)}#${eventId}`,
});
/**
 * Dead letters: NPPA events the national system refused for good (state `dead`), listed for an
 * operator by the time they were settled, in one sparse index partition.
 */
export const DEAD_LETTERS = 'DEADLETTER';
export const deadLetterIndex = (si: string, bt: 0 | 1, settledAtMs: number) => ({ gsi1pk: DEAD_LETTERS, gsi1sk: `${sortableTime(settledAtMs)}#${si}#${bt}` });

// Operators' figures (shared/stats/): counters per Beijing day and game, derived off the hot path
/** Day figures live in one partition per Beijing month, sorted by day then game. */
/** A month's day figures: in one of STATS_SHARDS partitions (below), or in the one they were kept in before (no shard). */
export const statsMonthPartition = (month: string, shard?: number): string => (shard === undefined ? `STATS#${month}` : `STATS#${month}#${shard}`);
/**
 * A day's figures of a game and a week's distribution are each spread over STATS_SHARDS partitions:
 * each of the aggregator's transactions adds to one of them, chosen at random (again on a retry),
 * and the readers add them up, so that batches counting at the same moment (at 21:00, one a stream
 * shard) seldom meet on one item and no partition takes them all (docs/capacity.md). Items written
 * before, in the partition without a shard, are added too.
 */
export const STATS_SHARDS = 16;
export const statsDayKey = (day: string, gameId: string, shard?: number): Key => ({ pk: statsMonthPartition(day.slice(0, 7), shard), sk: `${day}#${gameId}` });
/** How many minors played how long, one item per week (its Monday). */
export const STATS_WEEKS = 'STATSWEEKS';
export const statsWeeksPartition = (shard?: number): string => (shard === undefined ? STATS_WEEKS : `${STATS_WEEKS}#${shard}`);
export const statsWeekKey = (weekStart: string, shard?: number): Key => ({ pk: statsWeeksPartition(shard), sk: weekStart });
/** One person's play in a week (the distribution needs the person's running total). */
/**
 * A minor's week play, in one of PERSON_WEEK_SHARDS partitions of its week (by the person): at 21:00
 * every minor's end of play moves its item, more than one partition takes (docs/capacity.md).
 */
export const PERSON_WEEK_SHARDS = 256;
const STATS_PERSON_WEEK = 'STATSWEEK#';
export const statsPersonWeekKey = (weekStart: string, identityHash: string): Key => ({
  pk: `${STATS_PERSON_WEEK}${weekStart}#${shardOf(identityHash, PERSON_WEEK_SHARDS)}`,
  sk: identityHash,
});
/** Where a person's week play was kept before it was spread (read, and erased, while such items last: 21 days). */
export const unshardedPersonWeekKey = (weekStart: string, identityHash: string): Key => ({ pk: `${STATS_PERSON_WEEK}${weekStart}`, sk: identityHash });
/** A stream record or log event already counted: what makes counting exactly once. */
export const statsSeenKey = (eventId: string): Key => ({ pk: `STATSSEEN#${eventId}`, sk: 'SEEN' });

// Complaints and the requests register (shared/complaints/repository.ts)
const REGISTER = 'REGISTER#';
/** Register entries: one partition per Beijing day they were received, oldest first (operators read a range of days). */
export const registerPartition = (beijingDay: string): string => `${REGISTER}${beijingDay}`;
const REGISTER_ID = /^r([0-9a-z]{9})[0-9a-f]{16}$/;
/**
 * A register entry's id: the instant its key sorts by (base 36) and 16 random (or derived) hex
 * digits, so that the id alone finds the entry: no index is needed to answer or read one.
 */
export const registerEntryId = (atMs: number, unique: string): string => `r${Math.max(0, Math.floor(atMs)).toString(36).padStart(9, '0')}${unique}`;
/** The key of the entry an id names, or null when it is no register id (an unknown id is then 404 without a read). */
export function registerKeyOf(complaintId: string): Key | null {
  const m = REGISTER_ID.exec(complaintId);
  if (!m) return null;
  const atMs = parseInt(m[1]!, 36);
  return { pk: registerPartition(beijingDate(atMs)), sk: `${sortableTime(atMs)}#${complaintId}` };
}
/** Open entries by due date: the overdue ones come first (the ComplaintsOverdue metric). */
export const REGISTER_OPEN = 'REGISTER_OPEN';
export const openRegisterIndex = (dueAtMs: number, complaintId: string) => ({ gsi1pk: REGISTER_OPEN, gsi1sk: `${sortableTime(dueAtMs)}#${complaintId}` });

/** The per-account index (`gsi2`): an account's sessions, orders and register entries, oldest first within each kind. */
export const ACCOUNT_INDEX = tableDesign.indexes[1];
export const accountIndexPartition = (accountId: string): string => `ACCOUNT#${accountId}`;
export const ACCOUNT_INDEX_SESSION = 'SESSION#';
export const ACCOUNT_INDEX_ORDER = 'ORDER#';
export const accountSessionIndex = (accountId: string, startedAt: number, sessionId: string) => ({
  gsi2pk: accountIndexPartition(accountId),
  gsi2sk: `${ACCOUNT_INDEX_SESSION}${sortableTime(startedAt)}#${sessionId}`,
});
export const accountOrderIndex = (accountId: string, reservedAt: number, orderId: string) => ({
  gsi2pk: accountIndexPartition(accountId),
  gsi2sk: `${ACCOUNT_INDEX_ORDER}${sortableTime(reservedAt)}#${orderId}`,
});
export const ACCOUNT_INDEX_REGISTER = 'REGISTER#';
export const accountRegisterIndex = (accountId: string, receivedAt: number, complaintId: string) => ({
  gsi2pk: accountIndexPartition(accountId),
  gsi2sk: `${ACCOUNT_INDEX_REGISTER}${sortableTime(receivedAt)}#${complaintId}`,
});

/**
 * Every kind of stored item, and which one a key names (the retention table, shared/storage/retention.ts,
 * has an entry per kind; test/unit/retention.test.ts classifies every key it builds, the erasure tests
 * (test/e2e/privacy.test.ts) every item left in a busy table).
 */
export const ITEM_KINDS = [
  'account',
  'erasureRecord',
  'pendingCheck',
  'identity',
  'identityLease',
  'dayPlay',
  'spendDay',
  'spendMonth',
  'session',
  'order',
  'nppaEvent',
  'device',
  'challenge',
  'auditEntry',
  'riskRestriction',
  'rateGateSecond',
  'drainerLease',
  'accessLogEntry',
  'guardianship',
  'paymentApproval',
  'guardianWard',
  'linkAttempts',
  'confirmAttempts',
  'webhookEvent',
  'registerEntry',
  'statsDay',
  'statsWeek',
  'statsPersonWeek',
  'statsSeen',
] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export function itemKindOf(key: Key): ItemKind | null {
  const { pk, sk } = key;
  if (pk === STATS_WEEKS) return 'statsWeek';
  const prefix = pk.slice(0, pk.indexOf('#') + 1);
  switch (prefix) {
    case 'ACCOUNT#':
      return sk === 'ACCOUNT' ? 'account' : sk === 'ERASED' ? 'erasureRecord' : sk === 'CHECK' ? 'pendingCheck' : null;
    case IDENTITY:
      if (sk === 'IDENTITY') return 'identity';
      if (sk.startsWith('LEASE#')) return 'identityLease';
      if (sk.startsWith(DAY_PLAY_PREFIX)) return 'dayPlay';
      if (sk.startsWith(SPEND_DAY)) return 'spendDay';
      if (sk.startsWith(SPEND_MONTH)) return 'spendMonth';
      if (sk === 'GUARDIANS') return 'guardianship';
      if (sk.startsWith(APPROVAL_PREFIX)) return 'paymentApproval';
      if (sk === 'RESTRICTION') return 'riskRestriction';
      if (sk.startsWith(LOOKUPS_PREFIX)) return 'linkAttempts';
      if (sk.startsWith(CONFIRMS_PREFIX)) return 'confirmAttempts';
      return null;
    case 'SESSION#':
      return sk === 'SESSION' ? 'session' : null;
    case 'ORDER#':
      return sk === 'ORDER' ? 'order' : null;
    case 'OUTBOX#':
      return sk === 'LOGIN' || sk === 'LOGOUT' ? 'nppaEvent' : null;
    case 'DEVICE#':
      return sk === 'DEVICE' ? 'device' : null;
    case 'CHALLENGE#':
      return sk === 'CHALLENGE' ? 'challenge' : null;
    case 'AUDIT#':
      return 'auditEntry';
    case 'RATE#':
      return 'rateGateSecond';
    case 'LEASE#':
      return sk === 'LEASE' ? 'drainerLease' : null;
    case 'ACCESSLOG#':
      return 'accessLogEntry';
    case GUARDIAN:
      return sk.startsWith(WARD_PREFIX) ? 'guardianWard' : null;
    case 'WEBHOOK#':
      return sk === 'WEBHOOK' ? 'webhookEvent' : null;
    case 'STATS#':
      return 'statsDay';
    case 'STATSWEEK#':
      return 'statsPersonWeek';
    case `${STATS_WEEKS}#`:
      return 'statsWeek';
    case 'STATSSEEN#':
      return sk === 'SEEN' ? 'statsSeen' : null;
    case REGISTER:
      return 'registerEntry';
    default:
      return null;
  }
}
