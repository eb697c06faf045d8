/**
 * RFC 9457 problem documents with the contract's stable `code` values (docs/api.md "Problems").
 * One class per outcome would be ceremony: a Problem carries its status and code, and the
 * catalogue below is the single place where codes, statuses, titles and player-facing details
 * (Chinese, never personal data) are written down.
 */
import * as z from '#shared/zod';

export const PROBLEMS = {
  invalid_request: { status: 400, title: 'Invalid request', detail: '请求格式不正确。' },
  unauthorized: { status: 401, title: 'Unauthorized', detail: '登录状态无效，请重新登录。' },
  forbidden: { status: 403, title: 'Forbidden', detail: '无权执行此操作。' },
  // The token's `game` (or a payment's `gameId`) names no game this deployment is configured for.
  unknown_game: { status: 403, title: 'Unknown game', detail: '该游戏未在本服务中登记。' },
  not_found: { status: 404, title: 'Not found', detail: '请求的资源不存在。' },
  method_not_allowed: { status: 405, title: 'Method not allowed', detail: '不支持此请求方法。' },
  payload_too_large: { status: 413, title: 'Payload too large', detail: '请求内容过大。' },
  request_header_fields_too_large: { status: 431, title: 'Request header fields too large', detail: '请求头过大。' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type', detail: '请求内容须为 JSON。' },
  invalid_id_number: { status: 422, title: 'Invalid ID number', detail: '身份证号码格式不正确，请核对后重新输入。' },
  identity_rejected: { status: 422, title: 'Identity rejected', detail: '实名信息未通过国家实名认证系统核验，请核对姓名与身份证号码。' },
  identity_already_bound: { status: 409, title: 'Identity already bound', detail: '该账号已绑定其他实名信息。' },
  identity_required: { status: 403, title: 'Identity required', detail: '根据国家规定，请先完成实名认证。' },
  // The rule in force depends on the deployment's play policy: the sessions service passes the
  // detail built from it (playTimeRuleDetail, shared/domain/playPolicy.ts); this is only a fallback.
  play_time_restricted: { status: 403, title: 'Play time restricted', detail: '根据国家防沉迷规定，当前时间未成年人不可进行游戏。' },
  account_blocked: { status: 403, title: 'Account blocked', detail: '该账号已被限制使用。' },
  session_active_elsewhere: { status: 409, title: 'Session active elsewhere', detail: '该账号已在其他设备上登录。' },
  challenge_required: { status: 428, title: 'Challenge required', detail: '需要完成身份验证（如人脸识别）后才能继续。' },
  session_not_found: { status: 404, title: 'Session not found', detail: '游戏会话不存在或已结束。' },
  stale_heartbeat: { status: 409, title: 'Stale heartbeat', detail: '心跳序号已过期。' },
  spending_limit_exceeded: { status: 403, title: 'Spending limit exceeded', detail: '根据国家规定，本次充值超出未成年人消费限额。' },
  order_conflict: { status: 409, title: 'Order conflict', detail: '订单号已被用于其他金额或账号。' },
  order_not_found: { status: 404, title: 'Order not found', detail: '订单不存在。' },
  order_expired: { status: 409, title: 'Order expired', detail: '订单预留已过期。' },
  challenge_not_found: { status: 404, title: 'Challenge not found', detail: '验证请求不存在。' },
  rate_limited: { status: 429, title: 'Rate limited', detail: '请求过于频繁，请稍后再试。' },
  // Concurrent changes to one person's records kept colliding after the storage retries; nothing
  // was changed, and the same request (idempotent) can be sent again after Retry-After.
  guardian_not_eligible: { status: 403, title: 'Guardian not eligible', detail: '只有已完成实名认证的成年人可以作为监护人。' },
  ward_not_found: { status: 404, title: 'Ward not found', detail: '未找到符合条件的未成年人，请核对姓名与身份证号码。' },
  link_not_found: { status: 404, title: 'Link not found', detail: '确认码无效或已过期。' },
  link_not_confirmed: { status: 403, title: 'Link not confirmed', detail: '监护关系尚未经未成年人确认。' },
  // Only an account bound to the ward's identity before the guardian asked may confirm (docs/guardians.md).
  confirmation_not_allowed: {
    status: 403,
    title: 'Confirmation not allowed',
    detail: '该账号在监护申请提出后才绑定此实名信息，不能确认监护关系，请使用更早绑定的账号确认。',
  },
  // A confirmed link is ended by its guardian, not declined by the ward.
  link_confirmed: { status: 403, title: 'Link confirmed', detail: '该监护关系已确认，只能由监护人解除。' },
  guardian_restricted: { status: 403, title: 'Guardian restricted', detail: '根据监护人的设置，当前不可进行游戏。' },
  guardian_approval_required: { status: 428, title: 'Guardian approval required', detail: '本次充值需要监护人同意，请等待监护人确认。' },
  guardian_declined: { status: 403, title: 'Guardian declined', detail: '监护人未同意本次充值。' },
  approval_not_found: { status: 404, title: 'Approval not found', detail: '审批请求不存在。' },
  approval_decided: { status: 409, title: 'Approval already decided', detail: '该审批已处理或已过期，不能更改。' },
  // A child under 14 needs its guardian's consent to the current privacy policy (2019 Children's PI
  // Regulations Arts. 9–10) before it plays or pays: shared/domain/consent.ts.
  guardian_consent_required: {
    status: 403,
    title: 'Guardian consent required',
    detail: '根据《儿童个人信息网络保护规定》，不满14周岁的用户须经监护人同意隐私政策后，才能登录游戏或充值。',
  },
  // Complaints and the requests register (docs/api.md): an entry is answered once.
  already_answered: { status: 409, title: 'Already answered', detail: '该投诉或申请已处理，不能再次处理。' },
  refund_already_requested: { status: 409, title: 'Refund already requested', detail: '该订单已提交过退款申请，请勿重复提交。' },
  // The detail names the reason (not committed, or an adult's payment): shared/usecases/refunds.ts.
  refund_not_eligible: { status: 422, title: 'Refund not eligible', detail: '该订单不符合未成年人消费退款协助的条件。' },
  write_contention: { status: 429, title: 'Write contention', detail: '操作过于频繁，请稍后重试。' },
  upstream_unavailable: { status: 503, title: 'Upstream unavailable', detail: '国家实名认证系统暂时不可用，请稍后再试。' },
  internal_error: { status: 500, title: 'Internal error', detail: '服务暂时出现问题，请稍后再试。' },
} as const satisfies Record<string, { status: number; title: string; detail: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

/**
 * The extension members each code carries besides the standard ones (RFC 9457 §3.2), with what each
 * means, written once. The OpenAPI document declares them per response (shared/api/openapi.ts), the client package types
 * `PlayGuardProblem` with them (packages/client, generated by infra/cli/clientsGenerate.ts, which also
 * gives packages/unity its `ProblemCode` enum from `PROBLEMS`), test/unit/problemExtensions.test.ts holds them to
 * every `new Problem(…)` of the source, and test/e2e/client.test.ts to what the gateway sends. A
 * member is optional where some raise of its code leaves it out. Codes not listed carry none.
 * No request handling reads it: built inside a function marked pure, it stays out of the Lambda
 * bundles (esbuild cannot see across modules that zod's constructors have no side effects).
 */
export const PROBLEM_EXTENSIONS = /* @__PURE__ */ (() =>
  ({
    invalid_request: z.object({
      errors: z
        .optional(
          z.array(
            z.object({
              path: z.string(),
              message: z.string(),
              in: z.optional(z.string()).check(z.meta({ description: '"path" or "query" for a path or query parameter; absent for the body' })),
            }),
          ),
        )
        .check(
          z.meta({
            description:
              'What was wrong: `path` names the field (empty for the whole body), `message` says why, and `in` is ' +
              '`"path"` or `"query"` for a path or query parameter. The submitted value is never echoed.',
          }),
        ),
    }),
    play_time_restricted: z.object({
      nextWindowStart: z.nullable(z.string()).check(z.meta({ description: 'Start of the next allowed play window (Beijing offset); null when none is known' })),
      nextWindowEnd: z
        .nullable(z.string())
        .check(z.meta({ description: 'End of that window; null when play becomes unlimited then (the player turns 18) or none is known' })),
    }),
    guardian_restricted: z.object({
      nextWindowStart: z
        .nullable(z.string())
        .check(z.meta({ description: "Start of the next time the guardians' controls (and the law) allow play; null when none is known" })),
      nextWindowEnd: z.nullable(z.string()).check(z.meta({ description: 'End of that window; null when play becomes unlimited then or none is known' })),
    }),
    guardian_approval_required: z.object({
      approvalId: z.string().check(z.meta({ description: 'The approval the guardian answers (GET /v1/guardian/approvals)' })),
      expiresAt: z.string().check(z.meta({ description: 'When the approval lapses (30 minutes after it was requested); retrying after that asks again' })),
    }),
    approval_decided: z.object({
      approvalStatus: z.enum(['approved', 'declined', 'expired']).check(z.meta({ description: 'How the approval was decided, or that it expired undecided' })),
    }),
    spending_limit_exceeded: z.object({
      source: z.enum(['law', 'publisher', 'guardian']).check(z.meta({ description: "Who set the limit: the law, the publisher's policy, or a guardian" })),
      limit: z.enum(['age', 'single', 'daily', 'monthly']).check(z.meta({ description: 'Which limit the payment would break' })),
      limitAmount: z.number().check(z.int(), z.meta({ description: 'That limit, in fen' })),
      remainingAmount: z.number().check(z.int(), z.meta({ description: 'What may still be spent under it, in fen' })),
    }),
    stale_heartbeat: z.object({ lastSeq: z.number().check(z.int(), z.meta({ description: 'The highest seq already counted for this session' })) }),
    guardian_consent_required: z.object({
      policyVersion: z
        .string()
        .check(z.meta({ description: 'The privacy policy version the guardian consents to (send it back as guardianConsent.policyVersion)' })),
      consent: z.enum(['attested', 'guardian']).check(
        z.meta({
          description:
            'Who records it: `attested`, the client with POST /v1/identity (a guardian checkbox at the real-name ' +
            'step); `guardian`, a confirmed guardian with POST /v1/guardian/wards/{wardId}/consent',
        }),
      ),
    }),
    refund_already_requested: z.object({ requestId: z.string().check(z.meta({ description: 'The refund request already made for this order' })) }),
    refund_not_eligible: z.object({
      reason: z.enum(['not_committed', 'adult_order']).check(
        z.meta({
          description:
            '`not_committed`: the payment never completed (nothing to refund); `adult_order`: it was made under ' +
            "an adult identity (not a minor's payment: file a complaint instead)",
        }),
      ),
    }),
    order_conflict: z.object({
      orderStatus: z.optional(z.enum(['cancelled', 'committed', 'expired'])).check(z.meta({ description: 'The state the order is really in' })),
    }),
    payload_too_large: z.object({ maxBytes: z.optional(z.number().check(z.int())).check(z.meta({ description: 'The largest body accepted, in bytes' })) }),
    invalid_id_number: z.object({
      reason: z
        .enum(['format', 'region', 'birth_date', 'check_digit', 'national_system'])
        .check(z.meta({ description: "Which check failed; `national_system` when the national system refused the number's format" })),
    }),
    challenge_required: z.object({
      challengeId: z.string().check(z.meta({ description: 'The challenge to answer with `POST /v1/challenges/{challengeId}/result`' })),
      challengeKind: z.literal('face').check(z.meta({ description: 'What the publisher must check' })),
      signal: z
        .enum(['device_many_accounts', 'account_many_devices', 'night_patrol', 'payment_patrol', 'identity_many_accounts'])
        .check(z.meta({ description: 'The risk signal that fired' })),
    }),
  }) satisfies { [C in ProblemCode]?: z.ZodMiniObject })();

/** Every code's extension members as a type: `{}` for a code without any. */
export type ProblemExtensions = {
  [C in ProblemCode]: C extends keyof typeof PROBLEM_EXTENSIONS ? z.output<(typeof PROBLEM_EXTENSIONS)[C]> : Record<never, never>;
};

/**
 * A per-instance `detail` rides on `extra` under this symbol, non-enumerable: the edges render
 * `problemBody(problem.code, problem.extra)`, and neither JSON nor a spread of `extra` can see it,
 * so it can never appear as an extension member.
 */
const DETAIL = Symbol('problem detail');

export class Problem extends Error {
  readonly status: number;
  readonly code: ProblemCode;
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /** The player-facing detail: the catalogue's, or the one this instance was given. */
  readonly detail: string;

  /** `options.detail` replaces the catalogue's detail for this instance (player-safe Chinese, no personal data). */
  constructor(code: ProblemCode, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}, options: { detail?: string } = {}) {
    super(code);
    this.name = 'Problem';
    this.code = code;
    this.status = PROBLEMS[code].status;
    this.detail = options.detail ?? PROBLEMS[code].detail;
    this.extra = options.detail === undefined ? extra : Object.defineProperty({ ...extra }, DETAIL, { value: options.detail, enumerable: false });
    this.headers = headers;
  }
}

export const problemType = (code: ProblemCode): string => `urn:playguard:problem:${code}`;

export function problemBody(code: ProblemCode, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const { status, title } = PROBLEMS[code];
  const override = (extra as { [DETAIL]?: unknown })[DETAIL];
  const detail = typeof override === 'string' ? override : PROBLEMS[code].detail;
  // Extension members never replace the standard ones (RFC 9457 §3.2).
  return { ...extra, type: problemType(code), title, status, detail, code };
}
