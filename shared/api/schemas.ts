/**
 * The contract's request and response bodies as zod schemas. The same objects
 * validate requests at the edge and generate `GET /openapi.json`, so the two cannot drift.
 */
import * as z from '#shared/zod';
// Types only: zod-openapi's additions to the registry's metadata; the generator itself is bundled only by the `meta`
// function (shared/api/openapi.ts), never by the functions that validate with these schemas.
import type {} from 'zod-openapi';

const instant = z.string().check(z.meta({ description: 'ISO 8601 instant with the Beijing offset', example: '2026-10-02T20:00:00+08:00' }));
const fen = z.number().check(z.int(), z.meta({ description: 'Money in fen (1/100 CNY)' }));
const ageBand = z.union([z.literal(0), z.literal(8), z.literal(16), z.literal(18)]).check(z.meta({
  description: 'Lower bound of the age band, computed for the current Beijing day: 0 (<8), 8 (8–15), 16 (16–17), 18 (adult)',
}));

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
export const Id = z.string().check(
  z.minLength(1),
  z.maxLength(128),
  z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" and "-" only'),
  z.refine(notDotSegment, DOT_SEGMENT_MESSAGE),
);

export const Problem = z.looseObject({
  type: z.string(),
  title: z.string(),
  status: z.number().check(z.int()),
  detail: z.string().check(z.meta({ description: 'Safe to show a player (Chinese); never personal data' })),
  code: z.string().check(z.meta({ description: 'Stable machine-readable code' })),
})
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });

export const Health = z.object({ status: z.literal('ok') }).register(z.globalRegistry, { id: 'Health' });

// Games. Any 1–64 characters are accepted here: whether a game is configured is answered with
// 403 unknown_game, not a 400 (the configured ids' own format is checked in shared/settings.ts).
const gameId = z.string().check(z.minLength(1), z.maxLength(64), z.meta({ description: 'A game id of the configured games (GET /v1/games)', example: 'g-main' }));
export const Games = z
  .object({
    games: z.array(
      z.object({
        gameId: z.string(),
        name: z.string(),
        ageRating: z.nullable(z.union([z.literal(8), z.literal(12), z.literal(16)])).check(z.meta({ description: 'The age-appropriateness label (8+, 12+ or 16+); null when the publisher set none' })),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Games', description: 'The games this deployment serves, in configured order (the first is the game of a token without a `game` claim)' });

// Identity
export const IdentitySubmission = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(64), z.meta({ description: 'Real name as on the ID card', example: '张三' })),
  idNumber: z.string().check(z.trim(), z.maxLength(32), z.meta({ description: '18-character resident ID number', example: '110101201205010017' })),
})
  .register(z.globalRegistry, { id: 'IdentitySubmission' });
export const IdentitySubmitted = z
  .object({ status: z.enum(['verified', 'pending']), ageBand, minor: z.boolean() }).register(z.globalRegistry, { id: 'IdentitySubmitted' });
export const IdentityView = z
  .object({ status: z.enum(['none', 'pending', 'verified', 'rejected']), ageBand: z.optional(ageBand), minor: z.optional(z.boolean()) }).register(z.globalRegistry, { id: 'IdentityView' });

// Sessions
export const SessionStart = z.strictObject({
  deviceId: z.string().check(z.minLength(1), z.maxLength(128), z.meta({ description: 'Opaque device id (hashed before storage)' })),
  takeover: z._default(z.optional(z.boolean()), false),
})
  .register(z.globalRegistry, { id: 'SessionStart' });
/** The game's age-appropriateness label (2024 Regulations on the Online Protection of Minors Art. 47). */
const ratingLabel = {
  ageRating: z.nullable(z.union([z.literal(8), z.literal(12), z.literal(16)])).check(z.meta({ description: 'The game\'s age-appropriateness label (适龄提示): 8, 12 or 16; null when the publisher set none' })),
  belowRating: z.boolean().check(z.meta({ description: 'The player\'s age in whole years today is below the label' })),
};
export const SessionStarted = z
  .object({
    sessionId: z.string(),
    ageBand,
    minor: z.boolean(),
    remainingSeconds: z.nullable(z.number().check(z.int())),
    endsAt: z.nullable(instant),
    heartbeatIntervalSeconds: z.number().check(z.int()),
    gameId: z.string().check(z.meta({ description: 'The game of the session (the token\'s game claim)' })),
    ...ratingLabel,
  })
  .register(z.globalRegistry, { id: 'SessionStarted' });
export const Heartbeat = z.strictObject({ seq: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER), z.meta({ description: 'Incremented by one per heartbeat' })) }).register(z.globalRegistry, { id: 'Heartbeat' });
export const HeartbeatAnswer = z
  .object({
    action: z.enum(['continue', 'warn', 'terminate']),
    remainingSeconds: z.nullable(z.number().check(z.int())),
    endsAt: z.nullable(instant),
    nextHeartbeatSeconds: z.number().check(z.int()),
    reason: z.optional(
      z.enum(['play_time_exhausted', 'outside_allowed_hours', 'signed_in_elsewhere', 'session_expired', 'account_blocked', 'challenge_failed', 'guardian_restricted', 'identity_corrected']),
    ),
  })
  .register(z.globalRegistry, { id: 'HeartbeatAnswer' });

// Limits
export const Limits = z
  .object({
    ageBand,
    minor: z.boolean(),
    ...ratingLabel,
    playTime: z.object({
      allowedNow: z.boolean(),
      remainingSeconds: z.nullable(z.number().check(z.int())),
      nextWindowStart: z.nullable(instant),
      nextWindowEnd: z.nullable(instant),
    }),
    spending: z.object({ singleMax: z.nullable(fen), dailyRemaining: z.nullable(fen), monthlyRemaining: z.nullable(fen) }),
  })
  .register(z.globalRegistry, { id: 'Limits' });

// Payments
export const orderId = z
  .string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces or control characters'), z.refine(notDotSegment, DOT_SEGMENT_MESSAGE), z.meta({ description: "The publisher's order id (idempotency key): 1–128 printable ASCII characters, not `.` or `..` (it travels in paths)" }));
export const PaymentReservation = z.strictObject({
  orderId,
  amount: z.number().check(z.int(), z.gte(1), z.lte(100_000_000), z.meta({ description: 'Amount in fen, 1 … 1,000,000 CNY' })),
  accountId: z.optional(z.string().check(z.minLength(1), z.maxLength(128))).check(z.meta({ description: 'Required with a server credential; must equal sub with a player credential' })),
  gameId: z.optional(gameId).check(z.meta({ description: "The game the order is for. A server credential names any configured game (default: the first; an unconfigured one answers 403 unknown_game); a player credential may only name its token's game (another answers 403 forbidden)" })),
})
  .register(z.globalRegistry, { id: 'PaymentReservation' });
export const PaymentReserved = z
  .union([
    z.object({ orderId: z.string(), status: z.literal('reserved'), expiresAt: instant }),
    // The same reserve replayed after the order was committed answers with the order's real state.
    z.object({ orderId: z.string(), status: z.literal('committed') }),
  ])
  .register(z.globalRegistry, { id: 'PaymentReserved' });
export const PaymentState = z
  .object({ orderId: z.string(), status: z.enum(['committed', 'cancelled']) }).register(z.globalRegistry, { id: 'PaymentState' });

// Challenges
export const ChallengeResult = z.strictObject({ passed: z.boolean(), method: z._default(z.string().check(z.minLength(1), z.maxLength(32)), 'face') }).register(z.globalRegistry, { id: 'ChallengeResult' });
export const ChallengeState = z
  .object({ challengeId: z.string(), status: z.enum(['passed', 'failed']) }).register(z.globalRegistry, { id: 'ChallengeState' });

// Path parameters (the route table names one of these per route with `{…}` in its path)
export const SessionPath = z.object({ sessionId: Id.check(z.meta({ description: 'The sessionId returned by POST /v1/sessions (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' })) });
export const OrderPath = z.object({ orderId });
export const ChallengePath = z.object({ challengeId: Id.check(z.meta({ description: 'The challengeId of a challenge_required problem (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' })) });

export const Empty = z.strictObject({});

// Personal-information rights (GET /v1/me/data, DELETE /v1/me)
const instantOrNull = z.nullable(instant);
const beijingDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'a Beijing date, YYYY-MM-DD'), z.meta({ description: 'A Beijing calendar date', example: '2026-10-02' }));
export const MyData = z
  .object({
    account: z.nullable(
      z.object({ accountId: z.string(), boundAt: instantOrNull, lastLoginAt: instantOrNull, blocked: z.boolean(), flaggedAt: instantOrNull, minorRulesUntil: instantOrNull })).check(z.meta({ description: 'The account item; null when the account never bound an identity' })),
    identity: z.nullable(
      z.object({ status: z.enum(['pending', 'verified', 'rejected']), birthDate: z.nullable(beijingDay), ageBand: z.nullable(ageBand) })).check(z.meta({ description: 'The person the account is bound to (birth date and status only: no name, ID number, hash or PI); null when none' })),
    sessions: z.array(z.object({ sessionId: z.string(), gameId: z.string(), state: z.enum(['live', 'ended']), startedAt: instant, endedAt: instantOrNull, endReason: z.nullable(z.string()) })),
    payments: z.array(z.object({ orderId: z.string(), gameId: z.string(), amount: fen, status: z.enum(['reserved', 'committed', 'cancelled', 'released']), reservedAt: instant, committedAt: instantOrNull })),
    devices: z.object({ count: z.number().check(z.int()), lastSeenAt: instantOrNull }).check(z.meta({ description: 'Devices this account logged in from (their ids are kept only as keyed hashes and never returned)' })),
    riskDecisions: z.array(
      z.object({ at: instant, decision: z.string(), signal: z.string(), context: z.string(), inputs: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])), challengeId: z.nullable(z.string()) }),
    ),
    challenges: z.array(z.object({ challengeId: z.string(), signal: z.string(), context: z.string(), status: z.enum(['open', 'passed', 'failed']), createdAt: instant, resolvedAt: instantOrNull })),
    guardians: z.object({ count: z.number().check(z.int()) }),
    wards: z
      .array(z.object({ wardId: z.string(), ageBand: ageBand, status: z.enum(['pending', 'confirmed']), linkedAt: instant, controls: z.record(z.string(), z.unknown()) })).check(z.meta({ description: 'The minors this account is a guardian of, with its controls' })),
    retention: z.array(z.object({ kind: z.string(), keptFor: z.string(), why: z.string() })).check(z.meta({ description: 'Every kind of item the gateway keeps, how long and why' })),
  })
  .register(z.globalRegistry, { id: 'MyData', description: 'Everything the gateway holds about this account and its person' });
export const Erasure = z
  .object({
    erased: z.array(z.string()).check(z.meta({ description: 'Kinds of item removed by this request (empty when repeated)' })),
    retained: z
      .array(z.object({ kind: z.string(), until: z.nullable(instant).check(z.meta({ description: 'null: until the condition in why (an unreported event waits for the reporter)' })), why: z.string() })).check(z.meta({ description: 'What the law still needs, kept only until then' })),
  })
  .register(z.globalRegistry, { id: 'Erasure' });

// Operators (GET /v1/admin/*)
export const AdminAccountQuery = z.object({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ description: 'Why the operator reads this account (1–200 characters); written to the access log' })) });
export const AccessLogQuery = z
  .object({ from: beijingDay, to: beijingDay }).check(z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] }), z.refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 366 * 86_400_000, { message: 'at most 367 days at once', path: ['to'] }));
export const AdminAccountPath = z.object({ accountId: z.string().check(z.minLength(1), z.maxLength(128), z.meta({ description: 'The game account id (the `sub` of its tokens)' })) });
export const AdminAccount = z
  .object({
    accountId: z.string(),
    status: z.enum(['none', 'pending', 'verified', 'rejected']),
    ageBand: z.nullable(ageBand),
    riskFlags: z.object({ flaggedAt: instantOrNull, minorRulesUntil: instantOrNull, blocked: z.boolean(), beyondAccountLimit: z.boolean(), openChallenge: z.boolean() }),
    sessions: MyData.shape.sessions.check(z.meta({ description: 'The 20 most recent' })),
    payments: MyData.shape.payments.check(z.meta({ description: 'The 20 most recent' })),
    auditEntries: MyData.shape.riskDecisions.check(z.meta({ description: 'The 50 most recent risk decisions and challenge outcomes' })),
  })
  .register(z.globalRegistry, { id: 'AdminAccount' });
export const AccessLog = z
  .object({ entries: z.array(z.object({ operator: z.string(), at: instant, action: z.string(), accountId: z.string(), reason: z.string() })) }).register(z.globalRegistry, { id: 'AccessLog' });

// Guardians (docs/guardians.md)
const hhmm = z.string().check(z.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a Beijing time, HH:MM (00:00–24:00)'));
const guardianWindow = z
  .tuple([hhmm, hhmm]).check(z.refine(([start, end]) => start < end, { message: 'a window must end after it starts' }), z.meta({ description: 'Allowed Beijing-time window [start, end)', example: ['20:00', '20:30'] }));
const cap = z.nullable(z.number().check(z.int(), z.gte(0), z.lte(100_000_000))).check(z.meta({ description: 'fen; null: no cap' }));
export const GuardianControls = z
  .object({
    playBanned: z.boolean().check(z.meta({ description: 'No play at all' })),
    windows: z.nullable(z.array(guardianWindow).check(z.maxLength(12))).check(z.meta({ description: 'Only within these windows (and the law\'s); null: no extra restriction' })),
    dailyPlayMinutes: z.nullable(z.number().check(z.int(), z.gte(0), z.lte(1440))).check(z.meta({ description: 'At most this many minutes a Beijing day, across all games; null: no extra restriction' })),
    spending: z.object({ single: cap, daily: cap, monthly: cap }).check(z.meta({ description: 'Caps in fen (per payment, per Beijing day, per Beijing month), across all games; null: none' })),
    paymentApproval: z.boolean().check(z.meta({ description: 'Each payment waits for a guardian\'s approval' })),
  })
  .register(z.globalRegistry, { id: 'GuardianControls' });
export const ControlsPatch = z.strictObject({
  playBanned: z.optional(z.boolean()),
  windows: z.optional(z.nullable(z.array(guardianWindow).check(z.maxLength(12)))),
  dailyPlayMinutes: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(1440)))),
  spending: z.optional(z.strictObject({ single: z.optional(cap), daily: z.optional(cap), monthly: z.optional(cap) })),
  paymentApproval: z.optional(z.boolean()),
})
  .register(z.globalRegistry, { id: 'ControlsPatch', description: 'Fields left out keep their value; null clears' });
export const WardRequest = z.strictObject({ name: z.string().check(z.trim(), z.minLength(1), z.maxLength(64)), idNumber: z.string().check(z.trim(), z.minLength(1), z.maxLength(32)) }).register(z.globalRegistry, { id: 'WardRequest', description: 'The minor\'s name and ID number, as verified (never stored: the name is checked against a keyed hash)' });
const linkStatus = z.enum(['pending', 'confirmed']);
export const WardLink = z
  .object({
    wardId: z.string().check(z.meta({ description: 'Opaque, different for every guardian' })),
    ageBand,
    status: linkStatus,
    confirmCode: z.nullable(z.string()).check(z.meta({ description: 'While pending: the code the ward confirms with (POST /v1/me/guardians/confirm), valid 24 hours' })),
    expiresAt: z.nullable(instant).check(z.meta({ description: 'When the code stops being valid' })),
  })
  .register(z.globalRegistry, { id: 'WardLink' });
export const Wards = z
  .object({ wards: z.array(z.object({ wardId: z.string(), ageBand, status: linkStatus, linkedAt: instant, controls: GuardianControls })) }).register(z.globalRegistry, { id: 'Wards' });
export const WardPath = z.object({ wardId: Id.check(z.meta({ description: 'The wardId returned by POST /v1/guardian/wards' })) });
export const ConfirmLink = z.strictObject({ code: z.string().check(z.trim(), z.minLength(1), z.maxLength(32)) }).register(z.globalRegistry, { id: 'ConfirmLink' });
export const LinkConfirmed = z.object({ status: z.literal('confirmed') }).register(z.globalRegistry, { id: 'LinkConfirmed' });
export const MyGuardians = z
  .object({ guardians: z.array(z.object({ linkId: z.string(), status: linkStatus, linkedAt: instant })) }).register(z.globalRegistry, { id: 'MyGuardians', description: 'The links to this account\'s person (nothing about who the guardians are)' });
const approvalStatus = z.enum(['pending', 'approved', 'declined', 'expired']);
export const Approvals = z
  .object({ approvals: z.array(z.object({ approvalId: z.string(), wardId: z.string(), orderId: z.string(), amount: fen, gameId: z.string(), requestedAt: instant, expiresAt: instant, status: approvalStatus })) }).register(z.globalRegistry, { id: 'Approvals' });
export const ApprovalPath = z.object({ approvalId: Id.check(z.meta({ description: 'The approvalId of a guardian_approval_required problem' })) });
export const ApprovalDecision = z.strictObject({ approved: z.boolean() }).register(z.globalRegistry, { id: 'ApprovalDecision' });
export const ApprovalDecided = z
  .object({ approvalId: z.string(), wardId: z.string(), orderId: z.string(), amount: fen, status: z.enum(['approved', 'declined']) }).register(z.globalRegistry, { id: 'ApprovalDecided' });
export const ActivityQuery = z
  .object({ from: beijingDay, to: beijingDay }).check(z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] }), z.refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 91 * 86_400_000, { message: 'at most 92 days at once', path: ['to'] }));
export const Activity = z
  .object({
    sessions: z.array(z.object({ gameId: z.string(), startedAt: instant, endedAt: z.nullable(instant), playedSeconds: z.number().check(z.int()), endReason: z.nullable(z.string()) })),
    payments: z.array(z.object({ orderId: z.string(), gameId: z.string(), amount: fen, status: z.enum(['reserved', 'committed', 'cancelled', 'expired']), at: instant })),
    totals: z.object({ playedSeconds: z.number().check(z.int()), spent: fen.check(z.meta({ description: 'Committed payments, in fen' })) }),
  })
  .register(z.globalRegistry, { id: 'Activity' });
export const WardData = z.extend(MyData, { accounts: z.array(MyData.shape.account.def.innerType).check(z.meta({ description: "Each of the ward's accounts" })) }).register(z.globalRegistry, { id: 'WardData' });

// Identity correction (docs/api.md)
export const IdentityCorrected = z
  .object({
    status: z.enum(['corrected', 'awaiting_operator', 'unchanged']).check(z.meta({ description: 'corrected: bound to the new identity now (it is stricter, or the same age); awaiting_operator: looser, an operator decides; unchanged: the same identity' })),
    ageBand: ageBand.check(z.meta({ description: 'The age band the account is under now' })),
  })
  .register(z.globalRegistry, { id: 'IdentityCorrected' });
export const CorrectionDecision = z.strictObject({ approve: z.boolean(), reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), z.meta({ description: 'Why (1–200 characters); written to the access log' })) }).register(z.globalRegistry, { id: 'CorrectionDecision' });
export const CorrectionDecided = z.object({ accountId: z.string(), status: z.enum(['corrected', 'rejected']), ageBand: z.nullable(ageBand) }).register(z.globalRegistry, { id: 'CorrectionDecided' });
export const Corrections = z
  .object({ corrections: z.array(z.object({ accountId: z.string(), requestedAt: instant, currentAgeBand: z.nullable(ageBand), requestedAgeBand: ageBand })) }).register(z.globalRegistry, { id: 'Corrections' });
// Operators' figures (GET /v1/admin/stats, /v1/admin/reports/annual) and dead letters
const gameIdQuery = z.optional(z.string().check(z.minLength(1), z.maxLength(64))).check(z.meta({ description: 'One game (omitted: every game)' }));
export const StatsQuery = z
  .object({ from: beijingDay, to: beijingDay, gameId: gameIdQuery }).check(z.refine((q) => q.from <= q.to, { message: 'from must not be after to', path: ['to'] }), z.refine((q) => Date.parse(`${q.to}T00:00:00Z`) - Date.parse(`${q.from}T00:00:00Z`) <= 366 * 86_400_000, { message: 'at most 367 days at once', path: ['to'] }));
export const AnnualReportQuery = z.object({
  year: z.pipe(z.pipe(z.string().check(z.regex(/^\d{4}$/, 'a year, YYYY')), z.transform(Number)), z.number().check(z.int(), z.gte(2000), z.lte(2100))).check(z.meta({ description: 'The year (Beijing calendar)', example: '2026' })),
  gameId: gameIdQuery,
});
const counts = z.record(z.string(), z.number().check(z.int()));
const FiguresShape = {
  logins: z.object({ minor: z.number().check(z.int()), adult: z.number().check(z.int()) }).check(z.meta({ description: 'Sessions started' })),
  refusedLogins: counts.check(z.meta({ description: 'Refused logins by problem code (identity_required, play_time_restricted, session_active_elsewhere, challenge_required, …)' })),
  minorSessions: z.number().check(z.int()),
  minorPlayedSeconds: z.number().check(z.int(), z.meta({ description: "Seconds of minors' sessions, counted on the Beijing day they were played, once the session has ended" })),
  adultPlayedSeconds: z.number().check(z.int(), z.meta({ description: "Seconds of adults' sessions (for minors' share of play time)" })),
  minorSecondsOutsideWindows: z.number().check(z.int(), z.meta({ description: "Self-check: seconds of minors' sessions outside the windows the play policy allowed; must be 0" })),
  terminations: counts.check(z.meta({ description: 'Sessions ended, by end reason' })),
  payments: z.object({
    reserved: z.number().check(z.int(), z.meta({ description: 'Reservations made that day, committed or not' })),
    committed: z.number().check(z.int()),
    refused: counts.check(z.meta({ description: 'Refused reservations by limit (age, single, daily, monthly)' })),
    committedAmount: counts.check(z.meta({ description: 'Committed fen by age band (0, 8, 16, 18; unknown for orders reserved before bands were recorded)' })),
  }),
  identities: z.object({ verified: z.number().check(z.int()), rejected: z.number().check(z.int()), pending: z.number().check(z.int()) }).check(z.meta({ description: 'Real-name checks that reached each status (counted under the first configured game)' })),
  challenges: z.record(z.string(), z.object({ issued: z.number().check(z.int()), passed: z.number().check(z.int()), failed: z.number().check(z.int()), expired: z.number().check(z.int()) })).check(z.meta({ description: 'Face challenges by signal' })),
  guardianLinks: z.number().check(z.int()),
  piExports: z.number().check(z.int()),
  piErasures: z.number().check(z.int()),
};
const WeekBands = z.object({ upTo1h: z.number().check(z.int()), '1to2h': z.number().check(z.int()), '2to3h': z.number().check(z.int()), '3to5h': z.number().check(z.int()), over5h: z.number().check(z.int()) });
export const Stats = z
  .object({
    days: z.array(z.object({ date: beijingDay, gameId: z.string(), ...FiguresShape })).check(z.meta({ description: 'One entry per Beijing day and game that had any activity, oldest first' })),
    weeks: z
      .array(z.object({ week: beijingDay.check(z.meta({ description: 'The Monday the week starts on' })), minorsByWeeklyPlay: WeekBands.check(z.meta({ description: 'How many minors played how long that week (all games together)' })) })).check(z.meta({ description: 'The weeks that overlap from–to' })),
  })
  .register(z.globalRegistry, { id: 'Stats' });
export const AnnualReport = z
  .object({
    year: z.number().check(z.int()),
    gameId: z.nullable(z.string()),
    generatedAt: instant,
    totals: z.object(FiguresShape),
    months: z.array(z.object({ month: z.string(), ...FiguresShape })),
    shares: z.object({ minorPlayTime: z.nullable(z.number()), minorSpending: z.nullable(z.number()) }).check(z.meta({ description: "Minors' share (0–1) of play time and of committed spending; null when there was none" })),
    weeklyDistribution: z.object({ description: z.string(), bands: WeekBands }),
    selfCheck: z.object({ minorSecondsOutsideWindows: z.number().check(z.int()), passed: z.boolean() }),
    calendar: z.object({ yearsLoaded: z.array(z.number().check(z.int())), yearCovered: z.boolean() }),
  })
  .register(z.globalRegistry, { id: 'AnnualReport' });
export const DeadLetters = z
  .object({
    deadLetters: z.array(
      z.object({
        id: z.string().check(z.meta({ description: 'Opaque id for the retry' })),
        gameId: z.string(),
        event: z.enum(['login', 'logout']).check(z.meta({ description: 'Which event of the session it is' })),
        errcode: z.nullable(z.number().check(z.int())).check(z.meta({ description: "The national system's item errcode (3004–3010)" })),
        meaning: z.string(),
        at: instant.check(z.meta({ description: 'When the national system refused it' })),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'DeadLetters' });
export const DeadLetterPath = z.object({ id: Id.check(z.meta({ description: 'A dead letter id from GET /v1/admin/dead-letters' })) });
export const DeadLetterRetried = z.object({ id: z.string(), status: z.literal('queued') }).register(z.globalRegistry, { id: 'DeadLetterRetried' });
export const ConsolePath = z.object({ asset: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9.-]+$/), z.meta({ description: 'A file of the console' })) });
export const CalendarCoverage = z
  .object({
    yearsLoaded: z.array(z.number().check(z.int())),
    today: beijingDay,
    uncoveredNext60Days: z.array(beijingDay).check(z.meta({ description: 'Days among the next 60 that the holiday calendar does not cover (load the next year before they come)' })),
    override: z.string().check(z.meta({ description: 'How to load a year (CALENDAR_OVERRIDE / playguard:calendarOverride)' })),
  })
  .register(z.globalRegistry, { id: 'CalendarCoverage' });
