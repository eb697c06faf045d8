/**
 * The contract's request and response bodies as zod schemas. The same objects
 * validate requests at the edge and generate `GET /openapi.json`, so the two cannot drift.
 */
import * as z from 'zod';
// Types only: zod-openapi's additions to `.meta()`; the generator itself is bundled only by the `meta`
// function (shared/api/openapi.ts), never by the functions that validate with these schemas.
import type {} from 'zod-openapi';

const instant = z.string().meta({ description: 'ISO 8601 instant with the Beijing offset', example: '2026-10-02T20:00:00+08:00' });
const fen = z.number().int().meta({ description: 'Money in fen (1/100 CNY)' });
const ageBand = z.union([z.literal(0), z.literal(8), z.literal(16), z.literal(18)]).meta({
  description: 'Lower bound of the age band, computed for the current Beijing day: 0 (<8), 8 (8–15), 16 (16–17), 18 (adult)',
});

// Ids that travel in paths are checked at the edge before any storage call (an over-long or odd id
// used to reach DynamoDB and fail there as a 500). `.` and `..` are refused because clients and
// proxies collapse them as path segments: such an id could be sent in a body but never addressed.
const notDotSegment = (v: string): boolean => v !== '.' && v !== '..';
const DOT_SEGMENT_MESSAGE = '"." and ".." are not valid ids';

/**
 * An id the gateway issues (session and challenge ids: 32 lowercase hex characters today). The
 * accepted set is wider than what is issued, so a well-formed but unknown id still gets the
 * contract's 404, while length and characters stay bounded.
 */
export const Id = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" and "-" only')
  .refine(notDotSegment, DOT_SEGMENT_MESSAGE);

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'Safe to show a player (Chinese); never personal data' }),
    code: z.string().meta({ description: 'Stable machine-readable code' }),
  })
  .loose()
  .meta({ id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });

export const Health = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

// Games. Any 1–64 characters are accepted here: whether a game is configured is answered with
// 403 unknown_game, not a 400 (the configured ids' own format is checked in shared/settings.ts).
const gameId = z.string().min(1).max(64).meta({ description: 'A game id of the configured games (GET /v1/games)', example: 'g-main' });
export const Games = z
  .object({
    games: z.array(
      z.object({
        gameId: z.string(),
        name: z.string(),
        ageRating: z
          .union([z.literal(8), z.literal(12), z.literal(16)])
          .nullable()
          .meta({ description: 'The age-appropriateness label (8+, 12+ or 16+); null when the publisher set none' }),
      }),
    ),
  })
  .meta({ id: 'Games', description: 'The games this deployment serves, in configured order (the first is the game of a token without a `game` claim)' });

// Identity
export const IdentitySubmission = z
  .object({
    name: z.string().trim().min(1).max(64).meta({ description: 'Real name as on the ID card', example: '张三' }),
    idNumber: z.string().trim().max(32).meta({ description: '18-character resident ID number', example: '110101201205010017' }),
  })
  .strict()
  .meta({ id: 'IdentitySubmission' });
export const IdentitySubmitted = z
  .object({ status: z.enum(['verified', 'pending']), ageBand, minor: z.boolean() })
  .meta({ id: 'IdentitySubmitted' });
export const IdentityView = z
  .object({ status: z.enum(['none', 'pending', 'verified', 'rejected']), ageBand: ageBand.optional(), minor: z.boolean().optional() })
  .meta({ id: 'IdentityView' });

// Sessions
export const SessionStart = z
  .object({
    deviceId: z.string().min(1).max(128).meta({ description: 'Opaque device id (hashed before storage)' }),
    takeover: z.boolean().optional().default(false),
  })
  .strict()
  .meta({ id: 'SessionStart' });
/** The game's age-appropriateness label (2024 Regulations on the Online Protection of Minors Art. 47). */
const ratingLabel = {
  ageRating: z.union([z.literal(8), z.literal(12), z.literal(16)]).nullable().meta({ description: 'The game\'s age-appropriateness label (适龄提示): 8, 12 or 16; null when the publisher set none' }),
  belowRating: z.boolean().meta({ description: 'The player\'s age in whole years today is below the label' }),
};
export const SessionStarted = z
  .object({
    sessionId: z.string(),
    ageBand,
    minor: z.boolean(),
    remainingSeconds: z.number().int().nullable(),
    endsAt: instant.nullable(),
    heartbeatIntervalSeconds: z.number().int(),
    gameId: z.string().meta({ description: 'The game of the session (the token\'s game claim)' }),
    ...ratingLabel,
  })
  .meta({ id: 'SessionStarted' });
export const Heartbeat = z
  .object({ seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).meta({ description: 'Incremented by one per heartbeat' }) })
  .strict()
  .meta({ id: 'Heartbeat' });
export const HeartbeatAnswer = z
  .object({
    action: z.enum(['continue', 'warn', 'terminate']),
    remainingSeconds: z.number().int().nullable(),
    endsAt: instant.nullable(),
    nextHeartbeatSeconds: z.number().int(),
    reason: z
      .enum(['play_time_exhausted', 'outside_allowed_hours', 'signed_in_elsewhere', 'session_expired', 'account_blocked', 'challenge_failed', 'guardian_restricted', 'identity_corrected'])
      .optional(),
  })
  .meta({ id: 'HeartbeatAnswer' });

// Limits
export const Limits = z
  .object({
    ageBand,
    minor: z.boolean(),
    ...ratingLabel,
    playTime: z.object({
      allowedNow: z.boolean(),
      remainingSeconds: z.number().int().nullable(),
      nextWindowStart: instant.nullable(),
      nextWindowEnd: instant.nullable(),
    }),
    spending: z.object({ singleMax: fen.nullable(), dailyRemaining: fen.nullable(), monthlyRemaining: fen.nullable() }),
  })
  .meta({ id: 'Limits' });

// Payments
export const orderId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces or control characters')
  .refine(notDotSegment, DOT_SEGMENT_MESSAGE)
  .meta({ description: "The publisher's order id (idempotency key): 1–128 printable ASCII characters, not `.` or `..` (it travels in paths)" });
export const PaymentReservation = z
  .object({
    orderId,
    amount: z.number().int().min(1).max(100_000_000).meta({ description: 'Amount in fen, 1 … 1,000,000 CNY' }),
    accountId: z.string().min(1).max(128).optional().meta({ description: 'Required with a server credential; must equal sub with a player credential' }),
    gameId: gameId
      .optional()
      .meta({ description: "The game the order is for. A server credential names any configured game (default: the first; an unconfigured one answers 403 unknown_game); a player credential may only name its token's game (another answers 403 forbidden)" }),
  })
  .strict()
  .meta({ id: 'PaymentReservation' });
export const PaymentReserved = z
  .union([
    z.object({ orderId: z.string(), status: z.literal('reserved'), expiresAt: instant }),
    // The same reserve replayed after the order was committed answers with the order's real state.
    z.object({ orderId: z.string(), status: z.literal('committed') }),
  ])
  .meta({ id: 'PaymentReserved' });
export const PaymentState = z
  .object({ orderId: z.string(), status: z.enum(['committed', 'cancelled']) })
  .meta({ id: 'PaymentState' });

// Challenges
export const ChallengeResult = z
  .object({ passed: z.boolean(), method: z.string().min(1).max(32).default('face') })
  .strict()
  .meta({ id: 'ChallengeResult' });
export const ChallengeState = z
  .object({ challengeId: z.string(), status: z.enum(['passed', 'failed']) })
  .meta({ id: 'ChallengeState' });

// Path parameters (the route table names one of these per route with `{…}` in its path)
export const SessionPath = z.object({ sessionId: Id.meta({ description: 'The sessionId returned by POST /v1/sessions (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' }) });
export const OrderPath = z.object({ orderId });
export const ChallengePath = z.object({ challengeId: Id.meta({ description: 'The challengeId of a challenge_required problem (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' }) });

export const Empty = z.object({}).strict();

// Personal-information rights (GET /v1/me/data, DELETE /v1/me)
const instantOrNull = instant.nullable();
const beijingDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a Beijing date, YYYY-MM-DD').meta({ description: 'A Beijing calendar date', example: '2026-10-02' });
export const MyData = z
  .object({
    account: z
      .object({ accountId: z.string(), boundAt: instantOrNull, lastLoginAt: instantOrNull, blocked: z.boolean(), flaggedAt: instantOrNull, minorRulesUntil: instantOrNull })
      .nullable()
      .meta({ description: 'The account item; null when the account never bound an identity' }),
    identity: z
      .object({ status: z.enum(['pending', 'verified', 'rejected']), birthDate: beijingDay.nullable(), ageBand: ageBand.nullable() })
      .nullable()
      .meta({ description: 'The person the account is bound to (birth date and status only: no name, ID number, hash or PI); null when none' }),
    sessions: z.array(z.object({ sessionId: z.string(), gameId: z.string(), state: z.enum(['live', 'ended']), startedAt: instant, endedAt: instantOrNull, endReason: z.string().nullable() })),
    payments: z.array(z.object({ orderId: z.string(), gameId: z.string(), amount: fen, status: z.enum(['reserved', 'committed', 'cancelled', 'released']), reservedAt: instant, committedAt: instantOrNull })),
    devices: z.object({ count: z.number().int(), lastSeenAt: instantOrNull }).meta({ description: 'Devices this account logged in from (their ids are kept only as keyed hashes and never returned)' }),
    riskDecisions: z.array(
      z.object({ at: instant, decision: z.string(), signal: z.string(), context: z.string(), inputs: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])), challengeId: z.string().nullable() }),
    ),
    challenges: z.array(z.object({ challengeId: z.string(), signal: z.string(), context: z.string(), status: z.enum(['open', 'passed', 'failed']), createdAt: instant, resolvedAt: instantOrNull })),
    guardians: z.object({ count: z.number().int() }),
    wards: z
      .array(z.object({ wardId: z.string(), ageBand: ageBand, status: z.enum(['pending', 'confirmed']), linkedAt: instant, controls: z.record(z.string(), z.unknown()) }))
      .meta({ description: 'The minors this account is a guardian of, with its controls' }),
    retention: z.array(z.object({ kind: z.string(), keptFor: z.string(), why: z.string() })).meta({ description: 'Every kind of item the gateway keeps, how long and why' }),
  })
  .meta({ id: 'MyData', description: 'Everything the gateway holds about this account and its person' });
export const Erasure = z
  .object({
    erased: z.array(z.string()).meta({ description: 'Kinds of item removed by this request (empty when repeated)' }),
    retained: z
      .array(z.object({ kind: z.string(), until: instant.nullable().meta({ description: 'null: until the condition in why (an unreported event waits for the reporter)' }), why: z.string() }))
      .meta({ description: 'What the law still needs, kept only until then' }),
  })
  .meta({ id: 'Erasure' });

// Operators (GET /v1/admin/*)
export const AdminAccountQuery = z.object({ reason: z.string().trim().min(1).max(200).meta({ description: 'Why the operator reads this account (1–200 characters); written to the access log' }) });
export const AccessLogQuery = z
  .object({ from: beijingDay, to: beijingDay })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 366 * 86_400_000, { message: 'at most 367 days at once', path: ['to'] });
export const AdminAccountPath = z.object({ accountId: z.string().min(1).max(128).meta({ description: 'The game account id (the `sub` of its tokens)' }) });
export const AdminAccount = z
  .object({
    accountId: z.string(),
    status: z.enum(['none', 'pending', 'verified', 'rejected']),
    ageBand: ageBand.nullable(),
    riskFlags: z.object({ flaggedAt: instantOrNull, minorRulesUntil: instantOrNull, blocked: z.boolean(), beyondAccountLimit: z.boolean(), openChallenge: z.boolean() }),
    sessions: MyData.shape.sessions.meta({ description: 'The 20 most recent' }),
    payments: MyData.shape.payments.meta({ description: 'The 20 most recent' }),
    auditEntries: MyData.shape.riskDecisions.meta({ description: 'The 50 most recent risk decisions and challenge outcomes' }),
  })
  .meta({ id: 'AdminAccount' });
export const AccessLog = z
  .object({ entries: z.array(z.object({ operator: z.string(), at: instant, action: z.string(), accountId: z.string(), reason: z.string() })) })
  .meta({ id: 'AccessLog' });

// Guardians (docs/guardians.md)
const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a Beijing time, HH:MM (00:00–24:00)');
const guardianWindow = z
  .tuple([hhmm, hhmm])
  .refine(([start, end]) => start < end, { message: 'a window must end after it starts' })
  .meta({ description: 'Allowed Beijing-time window [start, end)', example: ['20:00', '20:30'] });
const cap = z.number().int().min(0).max(100_000_000).nullable().meta({ description: 'fen; null: no cap' });
export const GuardianControls = z
  .object({
    playBanned: z.boolean().meta({ description: 'No play at all' }),
    windows: z.array(guardianWindow).max(12).nullable().meta({ description: 'Only within these windows (and the law\'s); null: no extra restriction' }),
    dailyPlayMinutes: z.number().int().min(0).max(1440).nullable().meta({ description: 'At most this many minutes a Beijing day, across all games; null: no extra restriction' }),
    spending: z.object({ single: cap, daily: cap, monthly: cap }).meta({ description: 'Caps in fen (per payment, per Beijing day, per Beijing month), across all games; null: none' }),
    paymentApproval: z.boolean().meta({ description: 'Each payment waits for a guardian\'s approval' }),
  })
  .meta({ id: 'GuardianControls' });
export const ControlsPatch = z
  .object({
    playBanned: z.boolean().optional(),
    windows: z.array(guardianWindow).max(12).nullable().optional(),
    dailyPlayMinutes: z.number().int().min(0).max(1440).nullable().optional(),
    spending: z.object({ single: cap.optional(), daily: cap.optional(), monthly: cap.optional() }).strict().optional(),
    paymentApproval: z.boolean().optional(),
  })
  .strict()
  .meta({ id: 'ControlsPatch', description: 'Fields left out keep their value; null clears' });
export const WardRequest = z
  .object({ name: z.string().trim().min(1).max(64), idNumber: z.string().trim().min(1).max(32) })
  .strict()
  .meta({ id: 'WardRequest', description: 'The minor\'s name and ID number, as verified (never stored: the name is checked against a keyed hash)' });
const linkStatus = z.enum(['pending', 'confirmed']);
export const WardLink = z
  .object({
    wardId: z.string().meta({ description: 'Opaque, different for every guardian' }),
    ageBand,
    status: linkStatus,
    confirmCode: z.string().nullable().meta({ description: 'While pending: the code the ward confirms with (POST /v1/me/guardians/confirm), valid 24 hours' }),
    expiresAt: instant.nullable().meta({ description: 'When the code stops being valid' }),
  })
  .meta({ id: 'WardLink' });
export const Wards = z
  .object({ wards: z.array(z.object({ wardId: z.string(), ageBand, status: linkStatus, linkedAt: instant, controls: GuardianControls })) })
  .meta({ id: 'Wards' });
export const WardPath = z.object({ wardId: Id.meta({ description: 'The wardId returned by POST /v1/guardian/wards' }) });
export const ConfirmLink = z.object({ code: z.string().trim().min(1).max(32) }).strict().meta({ id: 'ConfirmLink' });
export const LinkConfirmed = z.object({ status: z.literal('confirmed') }).meta({ id: 'LinkConfirmed' });
export const MyGuardians = z
  .object({ guardians: z.array(z.object({ linkId: z.string(), status: linkStatus, linkedAt: instant })) })
  .meta({ id: 'MyGuardians', description: 'The links to this account\'s person (nothing about who the guardians are)' });
const approvalStatus = z.enum(['pending', 'approved', 'declined', 'expired']);
export const Approvals = z
  .object({ approvals: z.array(z.object({ approvalId: z.string(), wardId: z.string(), orderId: z.string(), amount: fen, gameId: z.string(), requestedAt: instant, expiresAt: instant, status: approvalStatus })) })
  .meta({ id: 'Approvals' });
export const ApprovalPath = z.object({ approvalId: Id.meta({ description: 'The approvalId of a guardian_approval_required problem' }) });
export const ApprovalDecision = z.object({ approved: z.boolean() }).strict().meta({ id: 'ApprovalDecision' });
export const ApprovalDecided = z
  .object({ approvalId: z.string(), wardId: z.string(), orderId: z.string(), amount: fen, status: z.enum(['approved', 'declined']) })
  .meta({ id: 'ApprovalDecided' });
export const ActivityQuery = z
  .object({ from: beijingDay, to: beijingDay })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 91 * 86_400_000, { message: 'at most 92 days at once', path: ['to'] });
export const Activity = z
  .object({
    sessions: z.array(z.object({ gameId: z.string(), startedAt: instant, endedAt: instant.nullable(), playedSeconds: z.number().int(), endReason: z.string().nullable() })),
    payments: z.array(z.object({ orderId: z.string(), gameId: z.string(), amount: fen, status: z.enum(['reserved', 'committed', 'cancelled', 'expired']), at: instant })),
    totals: z.object({ playedSeconds: z.number().int(), spent: fen.meta({ description: 'Committed payments, in fen' }) }),
  })
  .meta({ id: 'Activity' });
export const WardData = MyData.extend({ accounts: z.array(MyData.shape.account.unwrap()).meta({ description: "Each of the ward's accounts" }) }).meta({ id: 'WardData' });

// Identity correction (docs/api.md)
export const IdentityCorrected = z
  .object({
    status: z.enum(['corrected', 'awaiting_operator', 'unchanged']).meta({ description: 'corrected: bound to the new identity now (it is stricter, or the same age); awaiting_operator: looser, an operator decides; unchanged: the same identity' }),
    ageBand: ageBand.meta({ description: 'The age band the account is under now' }),
  })
  .meta({ id: 'IdentityCorrected' });
export const CorrectionDecision = z
  .object({ approve: z.boolean(), reason: z.string().trim().min(1).max(200).meta({ description: 'Why (1–200 characters); written to the access log' }) })
  .strict()
  .meta({ id: 'CorrectionDecision' });
export const CorrectionDecided = z.object({ accountId: z.string(), status: z.enum(['corrected', 'rejected']), ageBand: ageBand.nullable() }).meta({ id: 'CorrectionDecided' });
export const Corrections = z
  .object({ corrections: z.array(z.object({ accountId: z.string(), requestedAt: instant, currentAgeBand: ageBand.nullable(), requestedAgeBand: ageBand })) })
  .meta({ id: 'Corrections' });
// Operators' figures (GET /v1/admin/stats, /v1/admin/reports/annual) and dead letters
const gameIdQuery = z.string().min(1).max(64).optional().meta({ description: 'One game (omitted: every game)' });
export const StatsQuery = z
  .object({ from: beijingDay, to: beijingDay, gameId: gameIdQuery })
  .refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] })
  .refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 366 * 86_400_000, { message: 'at most 367 days at once', path: ['to'] });
export const AnnualReportQuery = z.object({
  year: z.string().regex(/^\d{4}$/, 'a year, YYYY').transform(Number).pipe(z.number().int().min(2000).max(2100)).meta({ description: 'The year (Beijing calendar)', example: '2026' }),
  gameId: gameIdQuery,
});
const counts = z.record(z.string(), z.number().int());
const FiguresShape = {
  logins: z.object({ minor: z.number().int(), adult: z.number().int() }).meta({ description: 'Sessions started' }),
  refusedLogins: counts.meta({ description: 'Refused logins by problem code (identity_required, play_time_restricted, session_active_elsewhere, challenge_required, …)' }),
  minorSessions: z.number().int(),
  minorPlayedSeconds: z.number().int().meta({ description: "Seconds of minors' sessions, counted on the Beijing day they were played, once the session has ended" }),
  adultPlayedSeconds: z.number().int().meta({ description: "Seconds of adults' sessions (for minors' share of play time)" }),
  minorSecondsOutsideWindows: z.number().int().meta({ description: "Self-check: seconds of minors' sessions outside the windows the play policy allowed; must be 0" }),
  terminations: counts.meta({ description: 'Sessions ended, by end reason' }),
  payments: z.object({
    reserved: z.number().int().meta({ description: 'Reservations made that day, committed or not' }),
    committed: z.number().int(),
    refused: counts.meta({ description: 'Refused reservations by limit (age, single, daily, monthly)' }),
    committedAmount: counts.meta({ description: 'Committed fen by age band (0, 8, 16, 18; unknown for orders reserved before bands were recorded)' }),
  }),
  identities: z.object({ verified: z.number().int(), rejected: z.number().int(), pending: z.number().int() }).meta({ description: 'Real-name checks that reached each status (counted under the first configured game)' }),
  challenges: z.record(z.string(), z.object({ issued: z.number().int(), passed: z.number().int(), failed: z.number().int(), expired: z.number().int() })).meta({ description: 'Face challenges by signal' }),
  guardianLinks: z.number().int(),
  piExports: z.number().int(),
  piErasures: z.number().int(),
};
const WeekBands = z.object({ upTo1h: z.number().int(), '1to2h': z.number().int(), '2to3h': z.number().int(), '3to5h': z.number().int(), over5h: z.number().int() });
export const Stats = z
  .object({
    days: z.array(z.object({ date: beijingDay, gameId: z.string(), ...FiguresShape })).meta({ description: 'One entry per Beijing day and game that had any activity, oldest first' }),
    weeks: z
      .array(z.object({ week: beijingDay.meta({ description: 'The Monday the week starts on' }), minorsByWeeklyPlay: WeekBands.meta({ description: 'How many minors played how long that week (all games together)' }) }))
      .meta({ description: 'The weeks that overlap from–to' }),
  })
  .meta({ id: 'Stats' });
export const AnnualReport = z
  .object({
    year: z.number().int(),
    gameId: z.string().nullable(),
    generatedAt: instant,
    totals: z.object(FiguresShape),
    months: z.array(z.object({ month: z.string(), ...FiguresShape })),
    shares: z.object({ minorPlayTime: z.number().nullable(), minorSpending: z.number().nullable() }).meta({ description: "Minors' share (0–1) of play time and of committed spending; null when there was none" }),
    weeklyDistribution: z.object({ description: z.string(), bands: WeekBands }),
    selfCheck: z.object({ minorSecondsOutsideWindows: z.number().int(), passed: z.boolean() }),
    calendar: z.object({ yearsLoaded: z.array(z.number().int()), yearCovered: z.boolean() }),
  })
  .meta({ id: 'AnnualReport' });
export const DeadLetters = z
  .object({
    deadLetters: z.array(
      z.object({
        id: z.string().meta({ description: 'Opaque id for the retry' }),
        gameId: z.string(),
        event: z.enum(['login', 'logout']).meta({ description: 'Which event of the session it is' }),
        errcode: z.number().int().nullable().meta({ description: "The national system's item errcode (3004–3010)" }),
        meaning: z.string(),
        at: instant.meta({ description: 'When the national system refused it' }),
      }),
    ),
  })
  .meta({ id: 'DeadLetters' });
export const DeadLetterPath = z.object({ id: Id.meta({ description: 'A dead letter id from GET /v1/admin/dead-letters' }) });
export const DeadLetterRetried = z.object({ id: z.string(), status: z.literal('queued') }).meta({ id: 'DeadLetterRetried' });
export const ConsolePath = z.object({ asset: z.string().min(1).max(64).regex(/^[a-z0-9.-]+$/).meta({ description: 'A file of the console' }) });
export const CalendarCoverage = z
  .object({
    yearsLoaded: z.array(z.number().int()),
    today: beijingDay,
    uncoveredNext60Days: z.array(beijingDay).meta({ description: 'Days among the next 60 that the holiday calendar does not cover (load the next year before they come)' }),
    override: z.string().meta({ description: 'How to load a year (CALENDAR_OVERRIDE / playguard:calendarOverride)' }),
  })
  .meta({ id: 'CalendarCoverage' });
