/**
 * What the edge validates: the request bodies, path parameters and query strings of the contract as
 * zod schemas. They only parse here; what the OpenAPI document says about their fields is filed by
 * shared/api/routeDocs.ts, and the response bodies are in shared/api/responses.ts, so neither ships
 * in a function that only validates.
 *
 * Each schema is built inside `schema(() => …)`. esbuild cannot see across modules that zod's
 * constructors have no side effects, so it would keep every schema of this module in every bundle
 * that imports one; marked here, a function keeps only the schemas its own routes and use cases use.
 */
import { dayCount, isCalendarDay } from '#shared/domain/beijingTime';
import { COMPLAINT_CATEGORIES, MAX_TEXT_LENGTH } from '#shared/domain/complaints';
import * as z from '#shared/zod';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

// Ids that travel in paths are checked at the edge before any storage call (an over-long or odd id
// used to reach DynamoDB and fail there as a 500). `.` and `..` are refused because clients and
// proxies collapse them as path segments: such an id could be sent in a body but never addressed.
// A pattern rather than a refinement, so the OpenAPI document declares it too: some character
// other than ".", or three dots and more.
const notDotSegment = () => z.regex(/[^.]|^\.{3}/, '"." and ".." are not valid ids');

// Text that is trimmed before its length is checked: the document cannot say "trimmed", so it
// declares what that means for a minimum of 1, a character that is not white space (JavaScript's
// `\s` is exactly what `trim()` removes).
const notBlank = () => z.regex(/\S/, 'must not be blank');

/**
 * `x-cross-field-rules` in the OpenAPI document: the messages with which the edge refuses a value for
 * a rule JSON Schema cannot state (one field against another, or against the kind of credential). A
 * generated request may break them; test/e2e/contract.test.ts accepts a 400 that names only these.
 */
/* @__NO_SIDE_EFFECTS__ */
export function crossFieldRules(...messages: string[]) {
  return z.meta({ 'x-cross-field-rules': messages } as z.core.GlobalMeta);
}

/**
 * An id the gateway issues (session and challenge ids: 32 lowercase hex characters today). The
 * accepted set is wider than what is issued, so a well-formed but unknown id still gets the
 * contract's 404, while length and characters stay bounded. A new schema per path parameter, so
 * the document can describe each one.
 */
const id = () =>
  z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[A-Za-z0-9._:-]+$/, 'letters, digits, ".", "_", ":" and "-" only'), notDotSegment());

// Games. Any 1–64 characters are accepted here: whether a game is configured is answered with
// 403 unknown_game, not a 400 (the configured ids' own format is checked in shared/settings.ts).
export const gameId = schema(() => z.string().check(z.minLength(1), z.maxLength(64)));

// Identity. A name is at most what the national system's check takes (`name`, String(32):
// docs/nppa.md); a longer one used to reach it and come back refused as a 500.
export const NAME_MAX = 32;
export const IdentitySubmission = schema(() =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(NAME_MAX), notBlank()),
    idNumber: z.string().check(z.trim(), z.maxLength(32)),
  }),
);

/** A guardian's consent for a child under 14, naming the privacy policy version shown to the guardian (shared/domain/consent.ts). */
export const GuardianConsent = schema(() => z.strictObject({ policyVersion: z.string().check(z.trim(), z.minLength(1), z.maxLength(64), notBlank()) }));
/** POST /v1/identity: the real-name submission, with the guardian's consent the client attests for a child under 14 (policy `consent: "attested"`). */
export const IdentitySubmit = schema(() => z.extend(IdentitySubmission, { guardianConsent: z.optional(GuardianConsent) }));

// Sessions
export const SessionStart = schema(() =>
  z.strictObject({
    deviceId: z.string().check(z.minLength(1), z.maxLength(128)),
    takeover: z._default(z.optional(z.boolean()), false),
  }),
);
export const Heartbeat = schema(() => z.strictObject({ seq: z.number().check(z.int(), z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)) }));

// Payments
/** The message of the 400 a server credential gets for a reservation without accountId (shared/spending/service.ts). */
export const SERVER_NAMES_ACCOUNT = 'required with a server credential';
export const orderId = schema(() =>
  z.string().check(z.minLength(1), z.maxLength(128), z.regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces or control characters'), notDotSegment()),
);
export const PaymentReservation = schema(() =>
  z.strictObject({
    orderId,
    amount: z.number().check(z.int(), z.gte(1), z.lte(100_000_000)),
    // Which account pays: required with a server credential, which no schema can say.
    accountId: z.optional(z.string().check(z.minLength(1), z.maxLength(128), crossFieldRules(SERVER_NAMES_ACCOUNT))),
    gameId: z.optional(gameId),
  }),
);

// Challenges
export const ChallengeResult = schema(() =>
  z.strictObject({ passed: z.boolean(), method: z._default(z.string().check(z.minLength(1), z.maxLength(32)), 'face') }),
);

// Path parameters (the route table names one of these per route with `{…}` in its path)
export const SessionPath = schema(() => z.object({ sessionId: id() }));
export const OrderPath = schema(() => z.object({ orderId }));
export const ChallengePath = schema(() => z.object({ challengeId: id() }));

// Dates in query strings (docs/api.md "Operators"): a day of the calendar, `YYYY-MM-DD`, between
// FIRST_QUERY_DAY and LAST_QUERY_DAY (2027-02-30 is refused, not rolled to 2 March), so no range
// reaches a loop that walks it day by day or month by month to year 9999.
export const FIRST_QUERY_DAY = '2000-01-01';
export const LAST_QUERY_DAY = '2099-12-31';
/** The longest range an operator reads at once (GET /v1/admin/access-log, /v1/admin/stats), both days included. */
export const OPERATOR_RANGE_DAYS = 367;
/** The longest range of a ward's activity a guardian reads at once, both days included. */
export const GUARDIAN_RANGE_DAYS = 92;
const inQueryRange = (d: string): boolean => d >= FIRST_QUERY_DAY && d <= LAST_QUERY_DAY;
const isQueryDay = (d: unknown): d is string => typeof d === 'string' && isCalendarDay(d) && inQueryRange(d);
const DAY_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
/** A Beijing date's format (as the responses carry it). */
export const beijingDay = schema(() => z.string().check(z.regex(DAY_FORMAT, 'a Beijing date, YYYY-MM-DD')));
/**
 * The days a query may name as one pattern, for the OpenAPI document: every day of the calendar from
 * 2000-01-01 to 2099-12-31 (29 February in the years divisible by 4, 2000 included). The edge checks
 * with the calendar itself, so each refusal names its reason; test/unit/dayRange.test.ts holds the two
 * to the same days.
 */
export const QUERY_DAY_PATTERN =
  '^(?:20\\d{2}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|02-(?:0[1-9]|1\\d|2[0-8]))|20(?:[02468][048]|[13579][26])-02-29)$';
/** A day in a query: that format, a day the calendar has, within the years a query may name. */
export const queryDay = schema(() =>
  z.string().check(
    z.regex(DAY_FORMAT, 'a Beijing date, YYYY-MM-DD'),
    // Each message once: a day of the wrong format is not also "not a day", nor a non-day out of range.
    z.refine((d) => !DAY_FORMAT.test(d) || isCalendarDay(d), 'not a day of the calendar'),
    z.refine((d) => !isCalendarDay(d) || inQueryRange(d), `from ${FIRST_QUERY_DAY} to ${LAST_QUERY_DAY}`),
    z.meta({ pattern: QUERY_DAY_PATTERN }),
  ),
);

/**
 * `from` and `to`, Beijing days, both included: `from ≤ to` and at most `maxDays` days, plus any
 * other parameters of the route. The range is judged only when both days are valid (each bad day
 * is named once, by its own message).
 */
/* @__NO_SIDE_EFFECTS__ */
export function dayRange<S extends Record<string, z.ZodMiniType> = Record<never, never>>(maxDays: number, more?: S) {
  const days = (q: unknown): { from: string; to: string } | null => {
    const { from, to } = q as { from: unknown; to: unknown };
    return isQueryDay(from) && isQueryDay(to) ? { from, to } : null;
  };
  const [order, span] = ['from must not be after to', `at most ${maxDays} days at once`];
  return z.object({ from: queryDay, to: queryDay.check(crossFieldRules(order, span)), ...(more as S) }).check(
    z.refine(
      (q) => {
        const r = days(q);
        return !r || r.from <= r.to;
      },
      { message: order, path: ['to'] },
    ),
    z.refine(
      (q) => {
        const r = days(q);
        return !r || r.from > r.to || dayCount(r.from, r.to) <= maxDays;
      },
      { message: span, path: ['to'] },
    ),
  );
}

// Operators (GET /v1/admin/*)
export const AdminAccountQuery = schema(() => z.object({ reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), notBlank()) }));
export const AccessLogQuery = schema(() => dayRange(OPERATOR_RANGE_DAYS));
/** An account id in a path: any `sub` (1–128 characters) that can be addressed as a path segment. */
const accountIdPath = () => z.string().check(z.minLength(1), z.maxLength(128), notDotSegment());
export const AdminAccountPath = schema(() => z.object({ accountId: accountIdPath() }));

// Guardians (docs/guardians.md)
const hhmm = schema(() => z.string().check(z.regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'a Beijing time, HH:MM (00:00–24:00)')));
const WINDOW_ORDER = 'a window must end after it starts';
export const guardianWindow = schema(() =>
  z.tuple([hhmm, hhmm]).check(
    z.refine(([start, end]) => start < end, { message: WINDOW_ORDER }),
    crossFieldRules(WINDOW_ORDER),
  ),
);
export const cap = schema(() => z.nullable(z.number().check(z.int(), z.gte(0), z.lte(100_000_000))));
export const ControlsPatch = schema(() =>
  z.strictObject({
    playBanned: z.optional(z.boolean()),
    windows: z.optional(z.nullable(z.array(guardianWindow).check(z.maxLength(12)))),
    dailyPlayMinutes: z.optional(z.nullable(z.number().check(z.int(), z.gte(0), z.lte(1440)))),
    spending: z.optional(z.strictObject({ single: z.optional(cap), daily: z.optional(cap), monthly: z.optional(cap) })),
    paymentApproval: z.optional(z.boolean()),
  }),
);
export const WardRequest = schema(() =>
  z.strictObject({
    name: z.string().check(z.trim(), z.minLength(1), z.maxLength(NAME_MAX), notBlank()),
    idNumber: z.string().check(z.trim(), z.minLength(1), z.maxLength(32), notBlank()),
  }),
);
export const WardPath = schema(() => z.object({ wardId: id() }));
export const ConfirmLink = schema(() => z.strictObject({ code: z.string().check(z.trim(), z.minLength(1), z.maxLength(32), notBlank()) }));
export const LinkPath = schema(() => z.object({ linkId: id() }));
export const PersonAccountPath = schema(() => z.object({ accountId: accountIdPath() }));
export const ApprovalPath = schema(() => z.object({ approvalId: id() }));
export const ApprovalDecision = schema(() => z.strictObject({ approved: z.boolean() }));
export const ActivityQuery = schema(() => dayRange(GUARDIAN_RANGE_DAYS));

// Complaints and the requests register (docs/api.md): texts of 1–2,000 characters (code points, after trimming).
// JSON Schema's maxLength counts code points, as the refinement does (zod's maxLength counts UTF-16 units).
const text = () =>
  z.string().check(
    z.trim(),
    z.minLength(1),
    notBlank(),
    z.refine((t) => [...t].length <= MAX_TEXT_LENGTH, `at most ${MAX_TEXT_LENGTH} characters`),
    z.meta({ maxLength: MAX_TEXT_LENGTH }),
  );
export const ComplaintSubmission = schema(() =>
  z.strictObject({ category: z.enum(COMPLAINT_CATEGORIES), text: text(), orderId: z.optional(orderId), gameId: z.optional(gameId) }),
);
export const ComplaintPath = schema(() => z.object({ complaintId: id() }));
export const ComplaintsQuery = schema(() => dayRange(OPERATOR_RANGE_DAYS, { status: z.optional(z.enum(['open', 'answered'])) }));
export const ComplaintAnswer = schema(() => z.strictObject({ outcome: z.enum(['resolved', 'refused']), answer: text() }));
export const RefundRequest = schema(() => z.strictObject({ orderId, reason: text() }));
export const RefundPath = schema(() => z.object({ requestId: id() }));
export const RefundDecision = schema(() => z.strictObject({ approved: z.boolean(), note: text() }));

// Identity correction (docs/api.md)
export const CorrectionDecision = schema(() =>
  z.strictObject({ approve: z.boolean(), reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(200), notBlank()) }),
);

// Operators' figures (GET /v1/admin/stats, /v1/admin/reports/annual) and dead letters.
const gameIdQuery = schema(() => z.optional(z.string().check(z.minLength(1), z.maxLength(64))));
export const StatsQuery = schema(() => dayRange(OPERATOR_RANGE_DAYS, { gameId: gameIdQuery }));
export const AnnualReportQuery = schema(() =>
  z.object({
    year: z.pipe(
      z.string().check(z.regex(/^20\d{2}$/, `a year from ${FIRST_QUERY_DAY.slice(0, 4)} to ${LAST_QUERY_DAY.slice(0, 4)}, YYYY`)),
      z.transform(Number),
    ),
    gameId: gameIdQuery,
  }),
);
export const DeadLetterPath = schema(() => z.object({ id: id() }));
export const ConsolePath = schema(() => z.object({ asset: z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[a-z0-9.-]+$/), notDotSegment()) }));
