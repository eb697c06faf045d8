/**
 * The contract's response bodies as zod schemas, with what the OpenAPI document says about them,
 * and the words it says about the request schemas the edge validates with (shared/api/schemas.ts,
 * which only parse). Documentation only: the route documentation (shared/api/routeDocs.ts) imports
 * this module, never a function that handles requests, so none of it ships in their bundles; the
 * client packages' types are generated from the OpenAPI document it describes
 * (infra/cli/clientsGenerate.ts).
 *
 * Words go on a schema as zod's metadata: `.check(z.meta({…}))` makes a described copy (the same
 * schema can carry another description elsewhere); a component, with its `id`, is the schema itself,
 * filed with `.register(z.globalRegistry, {…})` (a copy would re-file its id; `extend` refuses an
 * object with checks).
 */
import * as s from '#shared/api/schemas';
import * as z from '#shared/zod';
// Types only: zod-openapi's additions to the registry's metadata.
import type {} from 'zod-openapi';

/**
 * Files what the document says about a request schema, or a field of one, in zod's registry (beside what the
 * schema itself declares there: a pattern, its cross-field rules).
 */
const describe = (schema: z.core.$ZodType, meta: z.core.GlobalMeta): void => void z.globalRegistry.add(schema, { ...z.globalRegistry.get(schema), ...meta });

// The request schemas' words (their bodies are inlined in the document, so a body carries none of its own).
describe(s.gameId, { description: 'A game id of the configured games (GET /v1/games)', example: 'g-main' });
describe(s.IdentitySubmission.shape.name, { description: 'Real name as on the ID card', example: '张三' });
describe(s.IdentitySubmission.shape.idNumber, { description: '18-character resident ID number', example: '110101201205010017' });
describe(s.SessionStart.shape.deviceId, { description: 'Opaque device id (hashed before storage)' });
describe(s.Heartbeat.shape.seq, { description: 'Incremented by one per heartbeat' });
describe(s.orderId, { description: "The publisher's order id (idempotency key): 1–128 printable ASCII characters, not `.` or `..` (it travels in paths)" });
describe(s.PaymentReservation.shape.amount, { description: 'Amount in fen, 1 … 1,000,000 CNY' });
describe(s.PaymentReservation.shape.accountId, { description: 'Required with a server credential; must equal sub with a player credential' });
describe(s.PaymentReservation.shape.gameId, {
  description:
    'The game the order is for. A server credential names any configured game (default: the first; an ' +
    "unconfigured one answers 403 unknown_game); a player credential may only name its token's game " +
    '(another answers 403 forbidden)',
});
describe(s.SessionPath.shape.sessionId, { description: 'The sessionId returned by POST /v1/sessions (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' });
describe(s.ChallengePath.shape.challengeId, { description: 'The challengeId of a challenge_required problem (1–128 of A–Z a–z 0–9 . _ : -, not "." or "..")' });
describe(s.beijingDay, { description: 'A Beijing calendar date', example: '2026-10-02' });
describe(s.queryDay, {
  description:
    'A Beijing calendar day, YYYY-MM-DD, from 2000-01-01 to 2099-12-31; a day the calendar does not have (2027-02-30, 2027-02-29) is refused, not rolled over',
  example: '2026-10-02',
});
describe(s.StatsQuery.shape.gameId, { description: 'Only this game (1–64 characters; default: every game)', example: 'g-main' });
describe(s.AnnualReportQuery.shape.year, { description: 'The year, 2000–2099 (four digits)', example: '2026' });
describe(s.AdminAccountQuery.shape.reason, { description: 'Why the operator reads this account (1–200 characters); written to the access log' });
describe(s.AdminAccountPath.shape.accountId, { description: 'The game account id (the `sub` of its tokens)' });
describe(s.guardianWindow, { description: 'Allowed Beijing-time window [start, end)', example: ['20:00', '20:30'] });
describe(s.cap, { description: 'fen; null: no cap' });
describe(s.WardPath.shape.wardId, { description: 'The wardId returned by POST /v1/guardian/wards' });
describe(s.ApprovalPath.shape.approvalId, { description: 'The approvalId of a guardian_approval_required problem' });
describe(s.CorrectionDecision.shape.reason, { description: 'Why (1–200 characters); written to the access log' });
describe(s.DeadLetterPath.shape.id, { description: 'A dead letter id from GET /v1/admin/dead-letters' });
describe(s.GuardianConsent.shape.policyVersion, {
  description:
    "The privacy policy version shown to the guardian, which must be the deployment's current one " +
    '(playguard:privacyPolicyVersion; guardian_consent_required names it)',
  example: '2026-12',
});
describe(s.IdentitySubmit.shape.guardianConsent, {
  description:
    'Under-14 consent (policy `consent: "attested"`, the default): the guardian ticked the consent to ' +
    'this privacy policy version at the real-name step. Read only for a person under 14; ignored under ' +
    'policy `consent: "guardian"`, where a confirmed guardian records it',
});
describe(s.ComplaintSubmission.shape.category, { description: 'What the complaint is about' });
describe(s.ComplaintSubmission.shape.text, { description: 'The complaint, 1–2,000 characters (personal data: erased with the account)' });
describe(s.ComplaintSubmission.shape.orderId, { description: 'The order it concerns, if any' });
describe(s.ComplaintSubmission.shape.gameId, { description: "The game it concerns (a configured game; default: the token's)" });
describe(s.ComplaintPath.shape.complaintId, { description: 'A complaintId from GET /v1/admin/complaints' });
describe(s.ComplaintsQuery.shape.status, { description: 'Only open or only answered entries (default: both)' });
describe(s.ComplaintAnswer.shape.answer, { description: 'The answer the player reads, 1–2,000 characters; a refusal always with its reasons' });
describe(s.RefundRequest.shape.reason, {
  description: "Why the payment should be refunded, 1–2,000 characters (the guardian's words: erased with the guardian's account)",
});
describe(s.RefundPath.shape.requestId, {
  description: 'The requestId of POST /v1/guardian/wards/{wardId}/refund-requests (listed in GET /v1/admin/complaints as a complaintId)',
});
describe(s.RefundDecision.shape.note, {
  description: 'What the guardian reads, 1–2,000 characters; a refusal always with its reasons. Never sent to the publisher',
});
describe(s.ConsolePath.shape.asset, { description: 'A file of the console' });

const instant = z.string().check(z.meta({ description: 'ISO 8601 instant with the Beijing offset', example: '2026-10-02T20:00:00+08:00' }));
const fen = z.number().check(z.int(), z.meta({ description: 'Money in fen (1/100 CNY)' }));
const ageBand = z
  .union([z.literal(0), z.literal(8), z.literal(16), z.literal(18)])
  .check(z.meta({ description: 'Lower bound of the age band, computed for the current Beijing day: 0 (<8), 8 (8–15), 16 (16–17), 18 (adult)' }));

export const ProblemDocument = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().check(z.int()),
    detail: z.string().check(z.meta({ description: 'Safe to show a player (Chinese); never personal data' })),
    code: z.string().check(z.meta({ description: 'Stable machine-readable code' })),
  })
  .register(z.globalRegistry, { id: 'Problem', description: 'RFC 9457 problem document (application/problem+json)' });

export const Health = z.object({ status: z.literal('ok') }).register(z.globalRegistry, { id: 'Health' });

// GET /openapi.json: as much of the document as a client reads before it walks the paths.
export const OpenApiDocument = z
  .object({ openapi: z.string(), info: z.object({ title: z.string(), version: z.string() }) })
  .register(z.globalRegistry, { id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document (this one)' });

// Bodies that are not JSON: the console's files and the printable annual report.
export const HtmlPage = z.string().check(z.meta({ description: 'An HTML page (UTF-8)' }));
export const TextFile = z.string().check(z.meta({ description: 'The file (UTF-8)' }));
export const ConsoleConfig = z
  .object({
    issuer: z.string().check(z.meta({ description: 'The staff issuer operators sign in at' })),
    clientId: z.string().check(z.meta({ description: "The console's client id there" })),
    audience: z.string(),
    scope: z.string(),
  })
  .register(z.globalRegistry, { id: 'ConsoleConfig', description: "The console's sign-in settings (GET /console/config.json)" });

// Games
export const Games = z
  .object({
    games: z.array(
      z.object({
        gameId: z.string(),
        name: z.string(),
        ageRating: z
          .nullable(z.union([z.literal(8), z.literal(12), z.literal(16)]))
          .check(z.meta({ description: 'The age-appropriateness label (8+, 12+ or 16+); null when the publisher set none' })),
      }),
    ),
  })
  .register(z.globalRegistry, {
    id: 'Games',
    description: 'The games this deployment serves, in configured order (the first is the game of a token without a `game` claim)',
  });

// The publisher's keys
export const OpenIdConfiguration = z
  .looseObject({
    issuer: z
      .string()
      .check(z.meta({ description: "The issuer player and server tokens must name (iss): the API's own URL or https://<playguard:domainName>" })),
    jwks_uri: z.string(),
    id_token_signing_alg_values_supported: z.array(z.string()),
  })
  .register(z.globalRegistry, { id: 'OpenIdConfiguration', description: 'OpenID Provider metadata, as much as a JWT verifier reads' });
export const PublisherJwks = z
  .object({ keys: z.array(z.object({ kty: z.literal('RSA'), kid: z.string(), use: z.literal('sig'), alg: z.literal('RS256'), n: z.string(), e: z.string() })) })
  .register(z.globalRegistry, { id: 'PublisherJwks', description: "The publisher's public keys (RFC 7517)" });

// Identity
const consentMode = z.enum(['attested', 'guardian']);
export const ConsentStatus = z
  .object({
    required: z.boolean().check(z.meta({ description: "The person is under 14 today: a guardian's consent is needed before login and payments" })),
    given: z.boolean().check(z.meta({ description: 'A consent to the current privacy policy version is recorded (in a way the policy accepts)' })),
    policyVersion: z.string().check(z.meta({ description: 'The privacy policy version in force (playguard:privacyPolicyVersion)' })),
    consent: consentMode.check(
      z.meta({ description: '`attested`: the client sends guardianConsent with POST /v1/identity; `guardian`: a confirmed guardian records it' }),
    ),
  })
  .register(z.globalRegistry, { id: 'ConsentStatus', description: "Where the under-14 guardian consent stands (2019 Children's PI Regulations Arts. 9–10)" });
export const IdentitySubmitted = z
  .object({ status: z.enum(['verified', 'pending']), ageBand, minor: z.boolean(), guardianConsent: ConsentStatus })
  .register(z.globalRegistry, { id: 'IdentitySubmitted' });
export const IdentityView = z
  .object({
    status: z.enum(['none', 'pending', 'verified', 'rejected']),
    ageBand: z.optional(ageBand),
    minor: z.optional(z.boolean()),
    guardianConsent: z.optional(ConsentStatus),
  })
  .register(z.globalRegistry, { id: 'IdentityView' });

// Sessions
/** The game's age-appropriateness label (2024 Regulations on the Online Protection of Minors Art. 47). */
const ratingLabel = {
  ageRating: z
    .nullable(z.union([z.literal(8), z.literal(12), z.literal(16)]))
    .check(z.meta({ description: "The game's age-appropriateness label (适龄提示): 8, 12 or 16; null when the publisher set none" })),
  belowRating: z.boolean().check(z.meta({ description: "The player's age in whole years today is below the label" })),
};
export const SessionStarted = z
  .object({
    sessionId: z.string(),
    ageBand,
    minor: z.boolean(),
    remainingSeconds: z.nullable(z.number().check(z.int())),
    endsAt: z.nullable(instant),
    heartbeatIntervalSeconds: z.number().check(z.int()),
    gameId: z.string().check(z.meta({ description: "The game of the session (the token's game claim)" })),
    ...ratingLabel,
  })
  .register(z.globalRegistry, { id: 'SessionStarted' });
export const HeartbeatAnswer = z
  .object({
    action: z.enum(['continue', 'warn', 'terminate']),
    remainingSeconds: z.nullable(z.number().check(z.int())),
    endsAt: z.nullable(instant),
    nextHeartbeatSeconds: z.number().check(z.int()),
    reason: z.optional(
      z.enum([
        'play_time_exhausted',
        'outside_allowed_hours',
        'signed_in_elsewhere',
        'session_expired',
        'account_blocked',
        'challenge_failed',
        'guardian_restricted',
        'identity_corrected',
        'identity_unbound',
      ]),
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
export const PaymentReserved = z
  .union([
    z.object({ orderId: z.string(), status: z.literal('reserved'), expiresAt: instant }),
    // The same reserve replayed after the order was committed answers with the order's real state.
    z.object({ orderId: z.string(), status: z.literal('committed') }),
  ])
  .register(z.globalRegistry, { id: 'PaymentReserved' });
export const PaymentState = z.object({ orderId: z.string(), status: z.enum(['committed', 'cancelled']) }).register(z.globalRegistry, { id: 'PaymentState' });

// Challenges
export const ChallengeState = z.object({ challengeId: z.string(), status: z.enum(['passed', 'failed']) }).register(z.globalRegistry, { id: 'ChallengeState' });

// Personal-information rights (GET /v1/me/data, DELETE /v1/me)
const instantOrNull = z.nullable(instant);
// Complaints and the requests register
const category = z.enum(['real_name', 'play_time', 'payment', 'personal_information', 'account_sharing', 'other']);
const registerKind = z.enum(['complaint', 'export', 'erasure', 'correction', 'refund']).check(
  z.meta({
    description:
      'A complaint filed with POST /v1/complaints, a personal-information request that entered the ' +
      "register by itself (export, erasure, correction), or a guardian's refund request",
  }),
);
const registerOutcome = z
  .nullable(z.enum(['resolved', 'refused', 'withdrawn']))
  .check(z.meta({ description: 'null while open; `withdrawn`: the account that filed it was erased before an answer' }));
export const ComplaintEntry = z
  .object({
    complaintId: z.string(),
    kind: registerKind,
    category,
    status: z.enum(['open', 'answered']),
    receivedAt: instant,
    dueAt: instant.check(z.meta({ description: 'When the answer is due (15 days after receipt, or fewer where the publisher promises fewer)' })),
    answeredAt: instantOrNull,
    outcome: registerOutcome,
    answer: z.nullable(z.string()).check(z.meta({ description: 'The answer; a refusal always with its reasons' })),
  })
  .register(z.globalRegistry, { id: 'ComplaintEntry' });
const accountData = z.object({
  accountId: z.string(),
  boundAt: instantOrNull,
  lastLoginAt: instantOrNull,
  blocked: z.boolean(),
  flaggedAt: instantOrNull,
  minorRulesUntil: instantOrNull,
});
export const MyData = z
  .object({
    account: z.nullable(accountData).check(z.meta({ description: 'The account item; null when the account never bound an identity' })),
    identity: z
      .nullable(z.object({ status: z.enum(['pending', 'verified', 'rejected']), birthDate: z.nullable(s.beijingDay), ageBand: z.nullable(ageBand) }))
      .check(z.meta({ description: 'The person the account is bound to (birth date and status only: no name, ID number, hash or PI); null when none' })),
    sessions: z.array(
      z.object({
        sessionId: z.string(),
        gameId: z.string(),
        state: z.enum(['live', 'ended']),
        startedAt: instant,
        endedAt: instantOrNull,
        endReason: z.nullable(z.string()),
      }),
    ),
    payments: z.array(
      z.object({
        orderId: z.string(),
        gameId: z.string(),
        amount: fen,
        status: z.enum(['reserved', 'committed', 'cancelled', 'released']),
        reservedAt: instant,
        committedAt: instantOrNull,
      }),
    ),
    devices: z
      .object({ count: z.number().check(z.int()), lastSeenAt: instantOrNull })
      .check(z.meta({ description: 'Devices this account logged in from (their ids are kept only as keyed hashes and never returned)' })),
    riskDecisions: z.array(
      z.object({
        at: instant,
        decision: z.string(),
        signal: z.string(),
        context: z.string(),
        inputs: z.record(z.string(), z.union([z.number(), z.boolean(), z.string()])),
        challengeId: z.nullable(z.string()),
      }),
    ),
    challenges: z.array(
      z.object({
        challengeId: z.string(),
        signal: z.string(),
        context: z.string(),
        status: z.enum(['open', 'passed', 'failed']),
        createdAt: instant,
        resolvedAt: instantOrNull,
      }),
    ),
    guardians: z.object({ count: z.number().check(z.int()) }),
    wards: z
      .array(
        z.object({
          wardId: z.string(),
          ageBand: ageBand,
          status: z.enum(['pending', 'confirmed', 'expired']),
          linkedAt: instant,
          controls: z.record(z.string(), z.unknown()),
        }),
      )
      .check(z.meta({ description: 'The minors this account is a guardian of, with its controls' })),
    consent: z
      .object({
        required: z.boolean(),
        policyVersion: z.string(),
        records: z.array(z.object({ at: instant, how: consentMode, policyVersion: z.string() })),
      })
      .check(
        z.meta({
          description:
            'The under-14 guardian consents recorded for this account and its person: when, how (attested by the ' +
            'client, or recorded by a guardian) and to which privacy policy version; whether one is needed ' +
            'today, and the version in force',
        }),
      ),
    complaints: z.array(ComplaintEntry).check(z.meta({ description: "This account's complaints and requests in the register, with their answers" })),
    retention: z
      .array(z.object({ kind: z.string(), keptFor: z.string(), why: z.string() }))
      .check(z.meta({ description: 'Every kind of item the gateway keeps, how long and why' })),
  })
  .register(z.globalRegistry, { id: 'MyData', description: 'Everything the gateway holds about this account and its person' });
export const Erasure = z
  .object({
    erased: z.array(z.string()).check(z.meta({ description: 'Kinds of item removed by this request (empty when repeated)' })),
    retained: z
      .array(
        z.object({
          kind: z.string(),
          until: z.nullable(instant).check(z.meta({ description: 'null: until the condition in why (an unreported event waits for the reporter)' })),
          why: z.string(),
        }),
      )
      .check(z.meta({ description: 'What the law still needs, kept only until then' })),
  })
  .register(z.globalRegistry, { id: 'Erasure' });

// Operators (GET /v1/admin/*)
export const AdminAccount = z
  .object({
    accountId: z.string(),
    status: z.enum(['none', 'pending', 'verified', 'rejected']),
    ageBand: z.nullable(ageBand),
    riskFlags: z.object({
      flaggedAt: instantOrNull,
      minorRulesUntil: instantOrNull,
      blocked: z.boolean(),
      beyondAccountLimit: z.boolean(),
      openChallenge: z.boolean(),
    }),
    sessions: MyData.shape.sessions.check(z.meta({ description: 'The 20 most recent' })),
    payments: MyData.shape.payments.check(z.meta({ description: 'The 20 most recent' })),
    auditEntries: MyData.shape.riskDecisions.check(z.meta({ description: 'The 50 most recent risk decisions and challenge outcomes' })),
  })
  .register(z.globalRegistry, { id: 'AdminAccount' });
export const AccessLog = z
  .object({
    entries: z.array(
      z.object({
        operator: z.string(),
        at: instant,
        action: z.string(),
        accountId: z.string(),
        reason: z.string(),
        subject: z
          .optional(z.string())
          .check(z.meta({ description: 'The register entry the access concerns (a complaint, a refund request), when it is one' })),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'AccessLog' });

export const ComplaintReceived = z
  .object({ complaintId: z.string(), status: z.literal('open'), receivedAt: instant, dueAt: instant })
  .register(z.globalRegistry, { id: 'ComplaintReceived' });
export const MyComplaints = z
  .object({ complaints: z.array(ComplaintEntry) })
  .register(z.globalRegistry, { id: 'MyComplaints', description: "This account's complaints and requests, newest first (at most 200)" });
export const Complaints = z
  .object({
    complaints: z.array(
      z.object({
        complaintId: z.string(),
        kind: registerKind,
        category,
        accountId: z.string().check(z.meta({ description: 'The account that filed it (the guardian for a refund request or a request about a ward)' })),
        gameId: z.nullable(z.string()),
        orderId: z.nullable(z.string()),
        text: z
          .nullable(z.string())
          .check(z.meta({ description: "The complaint or a refund request's reason; null once the account was erased, and for requests" })),
        status: z.enum(['open', 'answered']),
        receivedAt: instant,
        dueAt: instant,
        overdue: z.boolean().check(z.meta({ description: 'Open past its due date, or answered after it' })),
        answeredAt: instantOrNull,
        outcome: registerOutcome,
        answer: z.nullable(z.string()),
        answeredBy: z
          .nullable(z.string())
          .check(z.meta({ description: 'The operator, `gateway` for a request answered as it was made, `erasure` for one withdrawn by an erasure' })),
        erased: z.boolean().check(z.meta({ description: 'The account that filed it was erased: its texts are gone' })),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Complaints', description: 'The register entries received on the days asked for, oldest first' });
export const ComplaintAnswered = z
  .object({ complaintId: z.string(), status: z.literal('answered'), outcome: z.enum(['resolved', 'refused']), answeredAt: instant })
  .register(z.globalRegistry, { id: 'ComplaintAnswered' });
export const RefundRequested = z
  .object({ requestId: z.string(), status: z.literal('open'), receivedAt: instant, dueAt: instant })
  .register(z.globalRegistry, { id: 'RefundRequested' });
export const RefundRequestView = z
  .object({
    requestId: z.string(),
    status: z.enum(['open', 'answered']),
    guardianAccountId: z.string(),
    wardId: z.string().check(z.meta({ description: "The guardian's opaque id of the ward" })),
    reason: z.nullable(z.string()),
    receivedAt: instant,
    dueAt: instant,
    order: z.object({ orderId: z.nullable(z.string()), gameId: z.string(), amount: fen, status: z.string(), reservedAt: instant, committedAt: instantOrNull }),
    evidence: z
      .nullable(
        z.object({
          capturedAt: instant.check(z.meta({ description: 'Taken when the payment was reserved, sealed by its commit' })),
          ageBand: ageBand.check(z.meta({ description: 'The band whose spending limits the payment was held to' })),
          minorRules: z.boolean().check(z.meta({ description: 'Minor rules were forced on the account (a failed or expired face check)' })),
          identityStatus: z.enum(['verified', 'pending']),
          session: z.object({
            inProgress: z.boolean(),
            sessionId: z.nullable(z.string()),
            loggedInAt: instantOrNull.check(z.meta({ description: "The account's last login" })),
          }),
          devices: z
            .object({ inWindow: z.number().check(z.int()), known: z.number().check(z.int()) })
            .check(z.meta({ description: 'Distinct devices of the account within the risk window (24 h) and ever' })),
          riskSignals: z
            .array(z.object({ signal: z.nullable(z.string()), outcome: z.enum(['open', 'passed', 'failed']), at: instant }))
            .check(z.meta({ description: "That Beijing day's risk signals and face checks" })),
          flaggedAt: instantOrNull,
        }),
      )
      .check(z.meta({ description: 'null for a payment reserved before evidence was kept' })),
    decision: z.nullable(z.object({ approved: z.boolean(), note: z.nullable(z.string()), decidedAt: instantOrNull, outcome: registerOutcome })),
  })
  .register(z.globalRegistry, { id: 'RefundRequestView' });
export const RefundDecided = z
  .object({ requestId: z.string(), status: z.literal('answered'), approved: z.boolean(), decidedAt: instant })
  .register(z.globalRegistry, { id: 'RefundDecided' });
export const WardConsent = z
  .object({
    wardId: z.string(),
    required: z.boolean().check(z.meta({ description: 'The ward is under 14 today (the consent is needed)' })),
    consent: z.object({ at: instant, how: z.literal('guardian'), policyVersion: z.string() }),
  })
  .register(z.globalRegistry, { id: 'WardConsent' });

// Guardians (docs/guardians.md)
export const GuardianControls = z
  .object({
    playBanned: z.boolean().check(z.meta({ description: 'No play at all' })),
    windows: z
      .nullable(z.array(s.guardianWindow).check(z.maxLength(12)))
      .check(z.meta({ description: "Only within these windows (and the law's); null: no extra restriction" })),
    dailyPlayMinutes: z
      .nullable(z.number().check(z.int(), z.gte(0), z.lte(1440)))
      .check(z.meta({ description: 'At most this many minutes a Beijing day, across all games; null: no extra restriction' })),
    spending: z
      .object({ single: s.cap, daily: s.cap, monthly: s.cap })
      .check(z.meta({ description: 'Caps in fen (per payment, per Beijing day, per Beijing month), across all games; null: none' })),
    paymentApproval: z.boolean().check(z.meta({ description: "Each payment waits for a guardian's approval" })),
  })
  .register(z.globalRegistry, { id: 'GuardianControls' });
const linkStatus = z
  .enum(['pending', 'confirmed', 'expired'])
  .check(z.meta({ description: 'expired: a pending link whose confirmation code expired; it applies no control (asking again gives a fresh code)' }));
export const WardLink = z
  .object({
    wardId: z.string().check(z.meta({ description: 'Opaque, different for every guardian' })),
    ageBand,
    status: linkStatus,
    confirmCode: z
      .nullable(z.string())
      .check(z.meta({ description: 'While pending: the code the ward confirms with (POST /v1/me/guardians/confirm), valid 24 hours' })),
    expiresAt: z.nullable(instant).check(z.meta({ description: 'When the code stops being valid' })),
  })
  .register(z.globalRegistry, { id: 'WardLink' });
export const Wards = z
  .object({ wards: z.array(z.object({ wardId: z.string(), ageBand, status: linkStatus, linkedAt: instant, controls: GuardianControls })) })
  .register(z.globalRegistry, { id: 'Wards' });
export const LinkConfirmed = z.object({ status: z.literal('confirmed') }).register(z.globalRegistry, { id: 'LinkConfirmed' });
export const MyGuardians = z
  .object({ guardians: z.array(z.object({ linkId: z.string(), status: linkStatus, linkedAt: instant })) })
  .register(z.globalRegistry, { id: 'MyGuardians', description: "The links to this account's person (nothing about who the guardians are)" });
export const PersonAccounts = z
  .object({
    accounts: z.array(
      z.object({
        accountId: z.string(),
        boundAt: instantOrNull.check(z.meta({ description: 'When this account was bound to the person (each binding anew)' })),
        lastLoginAt: instantOrNull,
        gameIds: z.array(z.string()).check(z.meta({ description: 'The games this account has logged in to' })),
        self: z.boolean().check(z.meta({ description: 'This is the calling account' })),
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'PersonAccounts', description: "Every account bound to the caller's identity, the earliest first" });
const approvalStatus = z.enum(['pending', 'approved', 'declined', 'expired']);
export const Approvals = z
  .object({
    approvals: z.array(
      z.object({
        approvalId: z.string(),
        wardId: z.string(),
        orderId: z.string(),
        amount: fen,
        gameId: z.string(),
        requestedAt: instant,
        expiresAt: instant,
        status: approvalStatus,
      }),
    ),
  })
  .register(z.globalRegistry, { id: 'Approvals' });
export const ApprovalDecided = z
  .object({ approvalId: z.string(), wardId: z.string(), orderId: z.string(), amount: fen, status: z.enum(['approved', 'declined']) })
  .register(z.globalRegistry, { id: 'ApprovalDecided' });
export const Activity = z
  .object({
    sessions: z.array(
      z.object({
        gameId: z.string(),
        startedAt: instant,
        endedAt: z.nullable(instant),
        playedSeconds: z.number().check(z.int()),
        endReason: z.nullable(z.string()),
      }),
    ),
    payments: z.array(
      z.object({ orderId: z.string(), gameId: z.string(), amount: fen, status: z.enum(['reserved', 'committed', 'cancelled', 'expired']), at: instant }),
    ),
    totals: z.object({ playedSeconds: z.number().check(z.int()), spent: fen.check(z.meta({ description: 'Committed payments, in fen' })) }),
  })
  .register(z.globalRegistry, { id: 'Activity' });
export const WardData = z
  .extend(MyData, { accounts: z.array(accountData).check(z.meta({ description: "Each of the ward's accounts" })) })
  .register(z.globalRegistry, { id: 'WardData' });

// Identity correction (docs/api.md)
export const IdentityCorrected = z
  .object({
    status: z.enum(['corrected', 'awaiting_operator', 'unchanged']).check(
      z.meta({
        description:
          'corrected: bound to the new identity now (it is stricter, or the same age); awaiting_operator: ' +
          'looser, an operator decides; unchanged: the same identity',
      }),
    ),
    ageBand: ageBand.check(z.meta({ description: 'The age band the account is under now' })),
  })
  .register(z.globalRegistry, { id: 'IdentityCorrected' });
export const CorrectionDecided = z
  .object({ accountId: z.string(), status: z.enum(['corrected', 'rejected']), ageBand: z.nullable(ageBand) })
  .register(z.globalRegistry, { id: 'CorrectionDecided' });
export const Corrections = z
  .object({ corrections: z.array(z.object({ accountId: z.string(), requestedAt: instant, currentAgeBand: z.nullable(ageBand), requestedAgeBand: ageBand })) })
  .register(z.globalRegistry, { id: 'Corrections' });

// Operators' figures (GET /v1/admin/stats, /v1/admin/reports/annual) and dead letters
const int = () => z.number().check(z.int());
const counts = z.record(z.string(), int());
const FiguresShape = {
  logins: z.object({ minor: int(), adult: int() }).check(z.meta({ description: 'Sessions started' })),
  refusedLogins: counts.check(
    z.meta({ description: 'Refused logins by problem code (identity_required, play_time_restricted, session_active_elsewhere, challenge_required, …)' }),
  ),
  minorSessions: int(),
  minorPlayedSeconds: z
    .number()
    .check(z.int(), z.meta({ description: "Seconds of minors' sessions, counted on the Beijing day they were played, once the session has ended" })),
  adultPlayedSeconds: z.number().check(z.int(), z.meta({ description: "Seconds of adults' sessions (for minors' share of play time)" })),
  minorSecondsOutsideWindows: z
    .number()
    .check(z.int(), z.meta({ description: "Self-check: seconds of minors' sessions outside the windows the play policy allowed; must be 0" })),
  terminations: counts.check(z.meta({ description: 'Sessions ended, by end reason' })),
  payments: z.object({
    reserved: z.number().check(z.int(), z.meta({ description: 'Reservations made that day, committed or not' })),
    committed: int(),
    refused: counts.check(z.meta({ description: 'Refused reservations by limit (age, single, daily, monthly)' })),
    committedAmount: counts.check(z.meta({ description: 'Committed fen by age band (0, 8, 16, 18; unknown for orders reserved before bands were recorded)' })),
  }),
  identities: z
    .object({ verified: int(), rejected: int(), pending: int() })
    .check(z.meta({ description: 'Real-name checks that reached each status (counted under the first configured game)' })),
  challenges: z
    .record(z.string(), z.object({ issued: int(), passed: int(), failed: int(), expired: int() }))
    .check(z.meta({ description: 'Face challenges by signal' })),
  guardianLinks: int(),
  piExports: int(),
  piErasures: int(),
  complaints: z
    .object({
      received: counts.check(z.meta({ description: 'Register entries received, by category (complaints, and the requests that entered by themselves)' })),
      answered: counts.check(z.meta({ description: 'Entries answered (resolved or refused), by category, on the day of the answer' })),
      answeredOnTime: int(),
      answeredLate: int(),
      withdrawn: z.number().check(z.int(), z.meta({ description: 'Entries closed unanswered because the account that filed them was erased' })),
    })
    .check(z.meta({ description: 'Complaints and requests (2024 Regulations Arts. 7 and 34)' })),
};
const WeekBands = z.object({ upTo1h: int(), '1to2h': int(), '2to3h': int(), '3to5h': int(), over5h: int() });
export const Stats = z
  .object({
    days: z
      .array(z.object({ date: s.beijingDay, gameId: z.string(), ...FiguresShape }))
      .check(z.meta({ description: 'One entry per Beijing day and game that had any activity, oldest first' })),
    weeks: z
      .array(
        z.object({
          week: s.beijingDay.check(z.meta({ description: 'The Monday the week starts on' })),
          minorsByWeeklyPlay: WeekBands.check(z.meta({ description: 'How many minors played how long that week (all games together)' })),
        }),
      )
      .check(z.meta({ description: 'The weeks that overlap from–to' })),
  })
  .register(z.globalRegistry, { id: 'Stats' });
export const AnnualReport = z
  .object({
    year: int(),
    gameId: z.nullable(z.string()),
    generatedAt: instant,
    totals: z.object(FiguresShape),
    months: z.array(z.object({ month: z.string(), ...FiguresShape })),
    shares: z.object({ minorPlayTime: z.nullable(z.number()), minorSpending: z.nullable(z.number()), complaintsAnsweredOnTime: z.nullable(z.number()) }).check(
      z.meta({
        description:
          "Minors' share (0–1) of play time and of committed spending, and the share of complaints and " +
          'requests answered by their due date; null when there was none',
      }),
    ),
    weeklyDistribution: z.object({ description: z.string(), bands: WeekBands }),
    selfCheck: z.object({ minorSecondsOutsideWindows: int(), passed: z.boolean() }),
    calendar: z.object({ yearsLoaded: z.array(int()), yearCovered: z.boolean() }),
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
export const DeadLetterRetried = z.object({ id: z.string(), status: z.literal('queued') }).register(z.globalRegistry, { id: 'DeadLetterRetried' });
export const CalendarCoverage = z
  .object({
    yearsLoaded: z.array(int()),
    today: s.beijingDay,
    uncoveredNext60Days: z
      .array(s.beijingDay)
      .check(z.meta({ description: 'Days among the next 60 that the holiday calendar does not cover (load the next year before they come)' })),
    override: z.string().check(z.meta({ description: 'How to load a year (CALENDAR_OVERRIDE / playguard:calendarOverride)' })),
  })
  .register(z.globalRegistry, { id: 'CalendarCoverage' });
