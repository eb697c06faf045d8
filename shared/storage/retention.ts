/**
 * The retention table: every kind of stored item (shared/storage/keys.ts `ITEM_KINDS`), what it
 * holds, why it is kept, how long, and the TTL (`expiresAt`, shared/storage/expiry.ts) that enforces
 * it. The repositories take their retention periods from here, docs/data.md renders this table
 * (test/unit/retention.test.ts fails when the two differ), the export (`GET /v1/me/data`) answers
 * with it, and test/e2e/privacy.test.ts drives representative flows against DynamoDB
 * Local and fails when an item is stored whose kind has no entry, or without `expiresAt` where the
 * entry says it must carry one.
 *
 * Personal information is kept no longer than its purpose needs (2019 Children's Personal
 * Information Regulations Art. 12). Staff access to it is recorded (2019 Art. 15; 2024 Regulations on
 * the Online Protection of Minors Art. 36, which set no period); the records are kept three years
 * because the Personal Information Protection Law (Art. 56) has records of personal-information
 * processing kept at least three years.
 */
import type { ItemKind } from '#shared/storage/keys';

const DAY = 86_400_000;

/** Retention periods the repositories write into `expiresAt` (plus the margin of `ttlAttribute`). */
export const RETENTION_MS = {
  /** An account's pending check (a sealed submission in it until sent): safety net for the sealed personal data. */
  sealedSubmission: 7 * DAY,
  identityLease: 1 * DAY,
  /**
   * How long a spend-ledger counter outlives its day or month: the longest a reservation counted in
   * it may stay reserved (RESERVATION_TTL_SECONDS, at most a day: shared/settings.ts), so releasing
   * it finds the counter. A minor's day play ends with its day (a session the sweeper ends after
   * midnight is within the TTL's margin).
   */
  spendCounterAfterPeriod: 1 * DAY,
  endedSession: 7 * DAY,
  /** A ward's ended session: a guardian may look back 92 Beijing days (GET …/activity). */
  guardedSession: 93 * DAY,
  /** A payment approval: its 30 minutes, then a day for the guardian's list. */
  paymentApproval: 1 * DAY,
  linkAttempts: 2 * DAY,
  confirmAttempts: 2 * DAY,
  order: 180 * DAY,
  settledEvent: 30 * DAY,
  challenge: 180 * DAY,
  auditEntry: 180 * DAY,
  /** Three years and a day: "at least three years" (PIPL Art. 56) whatever the leap years. */
  accessLogEntry: 3 * 366 * DAY,
  /** A webhook event the publisher's endpoint did not accept within its 24 h of retries. */
  webhookDeadLetter: 30 * DAY,
  /** Figures for the annual report (2024 Regulations Art. 42) and the years that follow it. */
  statsFigures: 3 * 366 * DAY,
  /** A person's week play: the week, plus late stream records (sessions ending after it). */
  statsPersonWeek: 21 * DAY,
  /** Longer than a stream record or a log event can be delivered again (24 h). */
  statsSeen: 2 * DAY,
  /**
   * The requests register's entries once answered: three years and a day (docs/data.md says why:
   * the limitation period of civil claims, Civil Code Art. 188, a refund of a minor's payment among them).
   */
  registerEntry: 3 * 366 * DAY,
} as const;

export interface RetentionEntry {
  /** Name in the export and in docs/data.md. */
  item: string;
  holds: string;
  why: string;
  keptFor: string;
  /** The TTL that enforces it, in words. */
  ttl: string;
  /**
   * Whether a stored item of this kind must carry `expiresAt` now: `always`, `never` (its life is
   * ended by an explicit delete), or a predicate on the item (e.g. only once a session has ended).
   */
  mustExpire: 'always' | 'never' | ((item: Record<string, unknown>) => boolean);
}

export const RETENTION: Record<ItemKind, RetentionEntry> = {
  account: {
    item: 'account',
    holds: 'binding to a person, a copy of status, birth date and PI; live-session leases; device hashes seen and night play (risk facts)',
    why: 'login and payment decide from one read',
    keptFor: 'while the account exists; removed by erasure (DELETE /v1/me)',
    ttl: 'none: deleted by the erasure',
    mustExpire: 'never',
  },
  erasureRecord: {
    item: 'erasure record',
    holds: 'when an account was erased and what was kept, until when and why (no hashes)',
    why: 'a repeated erasure answers the same; proof that the erasure was done',
    keptFor: 'until the last item the erasure kept is gone',
    ttl: 'always: the latest `until` it lists',
    mustExpire: 'always',
  },
  pendingCheck: {
    item: 'pending check',
    holds:
      "an account's real-name check the national system has not answered: the person's hash, the attempt " +
      "id, the name's keyed hash; the name and ID number sealed (AES-GCM) only while the check could not be sent",
    why: 'the poller finishes the check (NPPA FAQ: in progress); its outcome concerns this account only',
    keptFor: 'until answered, at most 48 hours of asking (the sealed submission until it is sent)',
    ttl: 'always: 7 days after the submission (a safety net; the poller deletes it when answered or after 48 h)',
    mustExpire: 'always',
  },
  identity: {
    item: 'identity',
    holds: "birth date, national-system status and PI, the accounts bound, the verified name's keyed hash",
    why: 'the person is checked once and limited across all accounts',
    keptFor: 'while an account is bound to it',
    ttl: 'none: deleted when its last account is erased or unbound',
    mustExpire: 'never',
  },
  identityLease: {
    item: "minor's lease",
    holds: 'the one live session of a minor across their accounts',
    why: 'a minor plays one session at a time',
    keptFor: 'while its session is live',
    ttl: 'always: 1 day after it was taken',
    mustExpire: 'always',
  },
  dayPlay: {
    item: 'day play',
    holds: 'seconds a minor played on a Beijing day (every minor, whatever the policy)',
    why: "the daily play-time budget, and a guardian's daily minutes set during the day (they count the play before them)",
    keptFor: 'the day',
    ttl: 'always: the end of its Beijing day',
    mustExpire: 'always',
  },
  spendDay: {
    item: 'spend ledger, day',
    holds: "the person's reserved and committed payments on a Beijing day, in fen",
    why: 'the daily spending limit follows the person, whichever account pays',
    keptFor: 'the day, and a day more for the reservations counted in it to be released (after an erasure, only until the day ends)',
    ttl: 'always: a day after its Beijing day ends; an erasure shortens it to the end of the day',
    mustExpire: 'always',
  },
  spendMonth: {
    item: 'spend ledger, month',
    holds: "the person's reserved and committed payments in a Beijing month, in fen",
    why: 'the monthly spending limit follows the person, also after an erasure and a re-registration',
    keptFor: 'the month, and a day more for the reservations counted in it to be released (after an erasure, only until the month ends)',
    ttl: 'always: a day after its Beijing month ends; an erasure shortens it to the end of the month',
    mustExpire: 'always',
  },
  session: {
    item: 'session',
    holds: 'one login: account, game, device hash, times, state, end reason',
    why: 'heartbeats, the sweeper, support questions',
    keptFor: "while live, then 7 days (a ward's, with a guardian linked: 93 days, for the guardian's activity view)",
    ttl: "once ended: 7 days after the end (a ward's: 93 days)",
    mustExpire: (item) => item.state === 'ended',
  },
  order: {
    item: 'order',
    holds: 'a payment reservation: account, game, amount, state, times',
    why: 'idempotent reserve and commit, disputes',
    keptFor: '180 days',
    ttl: 'always: 180 days after the reservation',
    mustExpire: 'always',
  },
  nppaEvent: {
    item: 'NPPA event',
    holds: 'a login or logout to report: session id, time, identity hash, account',
    why: 'every login and logout must reach the national system',
    keptFor: "until reported, then 30 days (an erased account's: deleted once reported)",
    ttl: 'once settled: 30 days after settling',
    mustExpire: (item) => item.state !== 'queued',
  },
  device: {
    item: 'device',
    holds: 'the accounts seen on a device (hashed) and when',
    why: 'the device-sharing risk signal',
    keptFor: 'one risk window (24 h) after the last login',
    ttl: 'always: one window after the last login',
    mustExpire: 'always',
  },
  challenge: {
    item: 'challenge',
    holds: 'a face check the gateway asked for: signal, context, outcome',
    why: 'the verdict, the sweeper, support questions',
    keptFor: '180 days',
    ttl: 'always: 180 days after it was opened',
    mustExpire: 'always',
  },
  auditEntry: {
    item: 'audit entry',
    holds: 'a risk decision or challenge outcome: signal, measured values, thresholds',
    why: 'account rental and sharing decisions must be explainable',
    keptFor: '180 days, also after an erasure',
    ttl: 'always: 180 days after the decision',
    mustExpire: 'always',
  },
  riskRestriction: {
    item: 'risk restriction',
    holds: 'a person under minor rules after a failed or expired face check: until when, the signal, the challenge id, when it failed',
    why:
      'minors on adult accounts (Ministry of Culture and Tourism 2021 opinion, item 8): the minor rules ' +
      'hold for every new binding of the person, also after an erasure',
    keptFor: 'until the minor rules end (30 days by default)',
    ttl: 'always: the end of the minor rules',
    mustExpire: 'always',
  },
  rateGateSecond: {
    item: 'rate gate second',
    holds: 'calls to one national-system interface in one second',
    why: "the national system's per-second limits",
    keptFor: 'that second',
    ttl: 'always: the end of its second',
    mustExpire: 'always',
  },
  drainerLease: {
    item: 'drainer lease',
    holds: 'which copy of the reporter drains the queue',
    why: 'one reporter at a time',
    keptFor: 'one reporter run',
    ttl: "always: the lease's end (deleted by the holder before)",
    mustExpire: 'always',
  },
  accessLogEntry: {
    item: 'access-log entry',
    holds: "an operator's access to an account's personal information: operator, time, action, account, reason",
    why:
      "staff access to minors' personal information is recorded (2019 Art. 15; 2024 Art. 36); records of " +
      'processing are kept at least three years (PIPL Art. 56)',
    keptFor: 'three years (and a day); never changed or deleted through the API',
    ttl: 'always: three years and a day after the access',
    mustExpire: 'always',
  },
  guardianship: {
    item: 'guardianship',
    holds:
      "a ward's guardian links: each guardian's account, opaque ward id, status, hashed confirmation code, " +
      "controls; when each guardian person first asked (and a decline); the ward's birth date",
    why:
      "guardians' time, permission and spending management (2024 Regulations Art. 43); it survives the " +
      "ward's erasure, so a new binding is held to it at once",
    keptFor: 'until the ward turns 18, or until its last link ends and no account of the ward is left',
    ttl: "the ward's 18th birthday (links asked before it was kept: none)",
    mustExpire: (item) => item.birthDate !== undefined,
  },
  paymentApproval: {
    item: 'payment approval',
    holds: "a ward's payment waiting for a guardian: order id, amount, game, account, decision",
    why: 'payment approval by a guardian (2024 Regulations Art. 43)',
    keptFor: 'its 30 minutes, then a day',
    ttl: 'always: a day after it expires',
    mustExpire: 'always',
  },
  guardianWard: {
    item: "guardian's ward",
    holds: "a guardian's opaque ward id, the ward's identity hash and birth date",
    why: 'a guardian finds their wards',
    keptFor: 'while the link exists, at most until the ward turns 18',
    ttl: "the ward's 18th birthday; deleted with the link",
    mustExpire: 'always',
  },
  linkAttempts: {
    item: 'look-up attempts',
    holds: 'how many times a guardian person (all its accounts) failed to find a ward on a Beijing day',
    why: 'five failures a day, then refused (guessing names and ID numbers)',
    keptFor: 'the day (also after an erasure of the guardian)',
    ttl: 'always: 2 days after the first attempt',
    mustExpire: 'always',
  },
  confirmAttempts: {
    item: 'confirmation attempts',
    holds: 'how many wrong confirmation codes a ward person (all its accounts) sent on a Beijing day',
    why: 'five wrong codes a day, then refused (guessing codes)',
    keptFor: 'the day; deleted with the person',
    ttl: 'always: 2 days after the first attempt',
    mustExpire: 'always',
  },
  webhookEvent: {
    item: 'webhook event',
    holds: 'a notification to the publisher: its type, time and opaque ids (account, challenge, order, session, guardian link), delivery attempts',
    why: "the publisher is told at least once (guardian alerts, risk challenges), never on a player's request path",
    keptFor: 'until delivered (then deleted), retried for 24 h; one never accepted 30 days as a dead letter',
    ttl: 'always: 30 days after its 24 h of retries (a dead letter: 30 days after its last try)',
    mustExpire: 'always',
  },
  registerEntry: {
    item: 'register entry',
    holds:
      'a complaint or request: the account that filed it, its kind (complaint, export, erasure, ' +
      'correction, refund) and category, the game and order it concerns, its text, when it was received, ' +
      "due and answered, the outcome and the answer; a refund request also its payment's evidence (age " +
      "band, identity status, session in progress, device count, that day's risk signals: no device, no person)",
    why:
      'complaints are accepted and handled promptly, personal-information requests answered with the ' +
      "reasons of a refusal (2024 Regulations Arts. 7 and 34; 2019 Children's PI Regulations Art. 10): " +
      'the register shows each was answered, and when',
    keptFor:
      "while open; then three years (and a day) after the answer. The texts (the complaint, a refund's " +
      'reason, the answer), the order, the ward and the evidence go when the account that filed it is ' +
      'erased; the entry itself (kind, category, dates, outcome) keeps its three years',
    ttl: 'once answered: three years and a day after the answer',
    mustExpire: (item) => item.status !== 'open',
  },
  statsDay: {
    item: 'day figures',
    holds: 'counts and sums for one Beijing day and game (logins, refusals, play seconds, payments, identities, challenges): no person, no account',
    why: "the operators' figures and the annual anti-addiction report (2024 Regulations Art. 42)",
    keptFor: 'three years (and a day)',
    ttl: 'always: three years and a day after the day',
    mustExpire: 'always',
  },
  statsWeek: {
    item: 'week distribution',
    holds: 'how many minors played how long in one week (counts per band of hours): no person',
    why: 'the annual report shows how long minors played',
    keptFor: 'three years (and a day)',
    ttl: 'always: three years and a day after the week',
    mustExpire: 'always',
  },
  statsPersonWeek: {
    item: "person's week play",
    holds: "a minor's seconds played in one week, under the keyed hash of the person",
    why: 'to move the person from one band of the week distribution to the next',
    keptFor: 'the week and 14 days',
    ttl: 'always: 21 days after the week began',
    mustExpire: 'always',
  },
  statsSeen: {
    item: 'counted change',
    holds: 'the id of a change-stream record or log event already counted',
    why: 'a replayed record never counts twice',
    keptFor: '2 days (a record is never delivered again after 24 h)',
    ttl: 'always: 2 days after it was counted',
    mustExpire: 'always',
  },
};

/**
 * What each kind an erasure lists in `retained` (DELETE /v1/me) keeps in the table: after an erasure
 * the items that name the account or its person are exactly these (test/e2e/trust.test.ts scans for it).
 */
export const RETAINED_ITEMS: Record<string, readonly ItemKind[]> = {
  nppa_events: ['nppaEvent'],
  risk_decisions: ['auditEntry'],
  spend_total_day: ['spendDay'],
  spend_total_month: ['spendMonth'],
  day_play: ['dayPlay'],
  guardianship: ['guardianship', 'guardianWard'],
  risk_restriction: ['riskRestriction'],
  lookup_attempts: ['linkAttempts'],
  /** Register entries of the account (its complaints and requests, this erasure among them), their texts gone. */
  requests_register: ['registerEntry'],
  /** The person stays while another account is bound to it: its items are its own, not the erased account's. */
  identity: [
    'identity',
    'identityLease',
    'dayPlay',
    'spendDay',
    'spendMonth',
    'guardianship',
    'guardianWard',
    'paymentApproval',
    'riskRestriction',
    'linkAttempts',
    'confirmAttempts',
    'statsPersonWeek',
  ],
};

/** Whether `item` of `kind` must carry `expiresAt` now. */
export function mustExpire(kind: ItemKind, item: Record<string, unknown>): boolean {
  const rule = RETENTION[kind].mustExpire;
  return rule === 'always' ? true : rule === 'never' ? false : rule(item);
}

/** The table as docs/data.md shows it (Markdown). */
export function retentionMarkdown(): string {
  const rows = Object.values(RETENTION).map((e) => `| ${e.item} | ${e.holds} | ${e.why} | ${e.keptFor} | ${e.ttl} |`);
  return ['| Item | Holds | Why | Kept | TTL (`expiresAt`) |', '|---|---|---|---|---|', ...rows].join('\n');
}
