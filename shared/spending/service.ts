/**
 * Spending limits (docs/rules.md §3): per person, company-wide, per Beijing day and month. A
 * reservation is decided by the pure rules (age, single top-up) and then by the counters'
 * condition expressions (day, month) in one transaction; commit makes it permanent, cancel and
 * expiry release it.
 */
import { ageBandOf, ageOn, forcedMinorRules } from '#shared/domain/age';
import { beijingDate, beijingMonth, formatBeijing } from '#shared/domain/beijingTime';
import {
  counterCeilings,
  decideReservation,
  DEFAULT_SPENDING_POLICY,
  forcedMinorSpendingAge,
  setsDailyCap,
  spendingLimitsFor,
  spendingView,
  type SpendingLimitKind,
  type SpendingPolicy,
} from '#shared/domain/spendingPolicy';
import type { ConsentPolicy } from '#shared/domain/consent';
import { paymentEvidence } from '#shared/domain/paymentEvidence';
import { appliesAt, rulesAt, tightenSpending, type TightenedLimits } from '#shared/domain/guardianControls';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import type { GuardianRepository } from '#shared/guardians/repository';
import { randomBytes } from 'node:crypto';
import { configuredGame, type Caller } from '#shared/caller';
import { Problem } from '#shared/problem';
import { SERVER_NAMES_ACCOUNT } from '#shared/api/schemas';
import { games, type Game } from '#shared/settings';
import type { AccountRepository, BoundAccount } from '#shared/accounts/repository';
import { requireConsent, requireIdentity } from '#shared/accounts/service';
import { metric, stat } from '#shared/log';
import { paymentPatrolThreshold } from '#shared/domain/riskRules';
import { challengeRequired, type RiskDeps } from '#shared/risk/service';
import type { Order, SpendingRepository } from '#shared/spending/repository';
import type { TransactItem } from '#shared/storage/conditions';

export interface SpendingDeps {
  repo: SpendingRepository;
  accounts: Pick<AccountRepository, 'get'>;
  policy: SpendingPolicy;
  reservationTtlSeconds: number;
  risk: RiskDeps;
  /** The configured games (first = a server's default); unset: GAMES as `games()` parses it. */
  games?: ReadonlyArray<Pick<Game, 'gameId'>>;
  /** Payment approvals (wards whose guardian asks to approve each payment). */
  guardians: Pick<GuardianRepository, 'approvedPart' | 'open'>;
  /** Webhook events (null when the publisher has no webhook configured). */
  notifications?: Pick<NotificationOutbox, 'eventPart'> | null;
  /** Under-14 consent (shared/domain/consent.ts): a child pays only with it. */
  consent: ConsentPolicy;
}

/** How long a guardian has to answer a payment approval (docs/api.md). */
export const APPROVAL_TTL_MS = 30 * 60_000;

/**
 * The limits for this account now: the law's band, the publisher's, and the ward's guardians'
 * caps, each limit with who set it (shared/domain/guardianControls.ts).
 */
export function limitsFor(
  deps: Pick<SpendingDeps, 'policy'>,
  account: Pick<BoundAccount, 'birthDate' | 'minorRulesUntil' | 'guardianship'>,
  nowMs: number,
): TightenedLimits {
  const age = spendingAge(deps.policy, account, nowMs);
  const minor = age < 18;
  return tightenSpending(
    spendingLimitsFor(DEFAULT_SPENDING_POLICY, age),
    spendingLimitsFor(deps.policy, age),
    minor ? rulesAt(account.guardianship, nowMs) : null,
    setsDailyCap(deps.policy, age),
  );
}

/**
 * The age the spending limits apply to. Under forced minor rules (a failed or expired face check:
 * likely a child on an adult's account, its true age unknown) an adult pays in the most protective
 * band of the policy that still allows paying — 8–15 under the law's bands
 * (shared/domain/spendingPolicy.ts `forcedMinorSpendingAge`); none allowing it, nothing (age 0).
 */
export const spendingAge = (policy: SpendingPolicy, account: { birthDate: string; minorRulesUntil?: number | undefined }, nowMs: number): number => {
  const age = ageOn(account.birthDate, beijingDate(nowMs));
  return age >= 18 && forcedMinorRules(account.minorRulesUntil, nowMs) ? (forcedMinorSpendingAge(policy) ?? 0) : age;
};

/** Which account a payment call acts for (docs/api.md: a server names it, a player only itself). */
export function payingAccount(caller: Caller, accountId: string | undefined): string {
  if (caller.kind === 'server') {
    if (!accountId) throw new Problem('invalid_request', { errors: [{ path: 'accountId', message: SERVER_NAMES_ACCOUNT }] });
    return accountId;
  }
  if (accountId !== undefined && accountId !== caller.accountId) throw new Problem('forbidden');
  return caller.accountId;
}

/**
 * Which game a reservation is for. A game server names it (`gameId`, default the first configured
 * game) and must name a configured one (403 unknown_game); a player's is its token's, and naming
 * another is refused (403 forbidden) whether or not that game is configured.
 */
export function orderGame(caller: Caller, gameId: string | undefined, configured: ReadonlyArray<Pick<Game, 'gameId'>>): string {
  if (caller.kind === 'server') return configuredGame(gameId, configured);
  if (gameId !== undefined && gameId !== caller.gameId) throw new Problem('forbidden');
  return caller.gameId;
}

const reservedAnswer = (order: Order) => ({ orderId: order.orderId, status: 'reserved' as const, expiresAt: formatBeijing(order.reservationExpiresAt) });
const committedAnswer = (orderId: string) => ({ orderId, status: 'committed' as const });

/**
 * A reservation whose time ran out holds nothing any more, whether or not the sweeper has released
 * it yet: `reservationExpiresAt` decides, never the sweeper's timing nor the item's TTL.
 */
const lapsed = (order: Order, nowMs: number): boolean => order.status === 'reserved' && order.reservationExpiresAt <= nowMs;

/**
 * Releases a lapsed reservation as the sweeper would (exactly once: the release is conditioned on
 * the order still being reserved) and returns the order as it now is.
 */
async function releaseLapsed(deps: Pick<SpendingDeps, 'repo'>, order: Order, nowMs: number): Promise<Order> {
  const result = await deps.repo.release(order, 'released', null, nowMs);
  if (result.ok) {
    metric('ReservationsReleased', 1);
    return { ...order, status: 'released' };
  }
  // Someone else moved it on first (the sweeper, a cancel, a commit just in time): that state stands.
  return result.order ?? { ...order, status: 'released' };
}

/**
 * The answer to a replayed reservation: the order's real state, never a `reserved` that holds
 * nothing. Still reserved → the first answer again; committed → 201 committed; cancelled, or
 * released by expiry → 409 order_conflict with `orderStatus`.
 */
async function replayAnswer(deps: Pick<SpendingDeps, 'repo'>, order: Order, nowMs: number) {
  const current = lapsed(order, nowMs) ? await releaseLapsed(deps, order, nowMs) : order;
  switch (current.status) {
    case 'reserved':
      return reservedAnswer(current);
    case 'committed':
      return committedAnswer(current.orderId);
    case 'cancelled':
      throw new Problem('order_conflict', { orderStatus: 'cancelled' }, {}, { detail: '该订单已取消，请使用新的订单号重新下单。' });
    case 'released':
      throw new Problem('order_conflict', { orderStatus: 'expired' }, {}, { detail: '该订单预留已过期，请使用新的订单号重新下单。' });
  }
}

export async function reservePayment(
  deps: SpendingDeps,
  caller: Caller,
  request: { orderId: string; amount: number; accountId?: string | undefined; gameId?: string | undefined },
  nowMs: number,
) {
  const accountId = payingAccount(caller, request.accountId);
  const gameId = orderGame(caller, request.gameId, deps.games ?? games());
  const account = await deps.accounts.get(accountId);
  requireIdentity(account);
  requireConsent(account, deps.consent, nowMs);
  const { limits, source } = limitsFor(deps, account, nowMs);

  const refuse = (r: { limit: SpendingLimitKind; limitAmount: number; remainingAmount: number }) => {
    metric('SpendingRefused', 1, { limit: r.limit, source: source[r.limit] });
    // The operators' figures count it from this line: a refusal writes nothing (shared/log.ts `stat`).
    stat({ stat: 'paymentRefused', gameId, limit: r.limit, at: nowMs });
    return new Problem('spending_limit_exceeded', { source: source[r.limit], limit: r.limit, limitAmount: r.limitAmount, remainingAmount: r.remainingAmount });
  };
  // Age, single-payment, and an amount above a whole day's or month's limit need no counter:
  // decided before any write (the counters' conditions then only see amounts that can fit).
  const early = decideReservation(limits, request.amount, 0, 0);
  if (!early.ok) throw refuse(early);

  // The limits stay per person across every game of the deployment (2019 notice, item 3: "the same
  // online-game company"; docs/rules.md §3): the ledger is keyed by person, never by game.
  const age = spendingAge(deps.policy, account, nowMs);
  const ageBand = ageBandOf(age);
  const order: Order = {
    orderId: request.orderId,
    accountId,
    gameId,
    identityHash: account.identityHash,
    amount: request.amount,
    day: beijingDate(nowMs),
    month: beijingMonth(nowMs),
    status: 'reserved',
    reservedAt: nowMs,
    reservationExpiresAt: nowMs + deps.reservationTtlSeconds * 1000,
    ...(watchers(account).length ? { guardians: watchers(account) } : {}),
    ageBand,
    // What a refund would be decided on, from the account already read: it rides on the order (no
    // request of its own) and the commit seals it (shared/domain/paymentEvidence.ts).
    evidenceDraft: paymentEvidence(account, gameId, ageBand, deps.risk.policy, nowMs),
  };
  // A guardian approves each payment first: the reservation goes ahead only with an approval of
  // this order and amount, checked in the reservation's own transaction (no extra request).
  const approvalNeeded = age < 18 && rulesAt(account.guardianship, nowMs)?.paymentApproval === true;
  const approval = approvalNeeded ? deps.guardians.approvedPart(account.identityHash, accountId, request.orderId, request.amount, nowMs) : undefined;
  // Payment patrol (docs/rules.md §4): past its threshold this month, each payment needs a challenge
  // first. The threshold is one more condition on the month counter: no extra request.
  const patrol = paymentPatrolThreshold(
    deps.risk.policy,
    {
      adult: age >= 18,
      age,
      flagged: account.flaggedAt !== undefined,
      suppressedSignals: account.suppressed ?? {},
      minorRulesUntilMs: account.minorRulesUntil ?? null,
    },
    nowMs,
  );
  const outcome = await deps.repo.reserve(order, { ...counterCeilings(limits, request.amount), patrolMaxBefore: patrol }, approval);
  switch (outcome.kind) {
    case 'approval':
      throw await askGuardian(deps, account, order, outcome.approval, nowMs);
    case 'reserved':
      return reservedAnswer(order);
    case 'existing':
      // Idempotent on orderId: the same request gets the order's answer; a different one is a
      // conflict that says nothing about the order (it may be another account's).
      if (outcome.order.accountId !== accountId || outcome.order.amount !== request.amount) throw new Problem('order_conflict');
      return replayAnswer(deps, outcome.order, nowMs);
    case 'patrol':
      throw await challengeRequired(
        deps.risk,
        account,
        { outcome: 'challenge', signal: 'payment_patrol', inputs: { spentThisMonth: outcome.total, threshold: patrol ?? 0, age } },
        'payment',
        nowMs,
        gameId,
      );
    case 'over_limit': {
      const limitAmount = (outcome.which === 'daily' ? limits.daily : limits.monthly) ?? 0;
      throw refuse({ limit: outcome.which, limitAmount, remainingAmount: Math.max(0, limitAmount - outcome.total) });
    }
  }
}

/** The ward's confirmed guardians, who hear of its payments (docs/api.md, Notifications). */
const watchers = (account: Pick<BoundAccount, 'guardianship'>) =>
  (account.guardianship?.guardians ?? []).filter((g) => g.confirmed).map((g) => ({ guardianId: g.guardianId, wardId: g.wardId }));

/**
 * The reservation needs a guardian's approval it does not have (`standing`: the approval as stored,
 * or undefined): an open one is answered again, a refusal stands, an expired or missing one is
 * asked for anew (with its notification in the same transaction).
 */
async function askGuardian(
  deps: SpendingDeps,
  account: BoundAccount,
  order: Order,
  standing: Record<string, unknown> | undefined,
  nowMs: number,
): Promise<Problem> {
  const required = (a: { approvalId: string; expiresAtMs: number }) =>
    new Problem('guardian_approval_required', { approvalId: a.approvalId, expiresAt: formatBeijing(a.expiresAtMs) });
  const status = standing?.status;
  const expiresAtMs = Number(standing?.expiresAtMs ?? 0);
  if (standing && standing.accountId === order.accountId) {
    if (status === 'declined') return new Problem('guardian_declined');
    if (expiresAtMs > nowMs) return required({ approvalId: String(standing.approvalId), expiresAtMs });
  }
  // Those whose controls ask for approval now (a pending link only while its code is valid).
  const deciders = (account.guardianship?.guardians ?? []).filter((g) => g.approves && appliesAt(g, nowMs));
  const approval = {
    approvalId: randomBytes(12).toString('hex'),
    identityHash: account.identityHash,
    accountId: order.accountId,
    orderId: order.orderId,
    amount: order.amount,
    gameId: order.gameId,
    requestedAt: nowMs,
    expiresAtMs: nowMs + APPROVAL_TTL_MS,
    status: 'pending' as const,
    deciders: deciders.map((g) => g.guardianId),
  };
  const also: Array<[string, TransactItem]> = deps.notifications
    ? [
        [
          'notification',
          deps.notifications.eventPart({
            type: 'guardian.approval_requested',
            occurredAtMs: nowMs,
            id: `approval-requested-${approval.approvalId}`,
            data: {
              approvalId: approval.approvalId,
              guardians: deciders.map((g) => ({ guardianId: g.guardianId, wardId: g.wardId })),
              orderId: order.orderId,
              amount: order.amount,
              gameId: order.gameId,
              expiresAt: formatBeijing(approval.expiresAtMs),
            },
          }),
        ],
      ]
    : [];
  const opened = await deps.guardians.open(approval, also);
  if (opened.opened) {
    metric('GuardianApprovalRequested', 1);
    return required(approval);
  }
  // Another request for the same order opened or decided one meanwhile: that one stands.
  if (opened.approval.status === 'declined') return new Problem('guardian_declined');
  return required(opened.approval);
}

const ownedBy = (caller: Caller) => (caller.kind === 'server' ? null : caller.accountId);

export async function commitPayment(deps: SpendingDeps, caller: Caller, orderId: string, nowMs: number) {
  // The ward's guardians hear of the payment from the commit's own write (the order carries who they are).
  const notify = deps.notifications
    ? (order: Order) =>
        order.guardians?.length
          ? deps.notifications!.eventPart({
              type: 'guardian.ward_payment_committed',
              occurredAtMs: nowMs,
              id: `payment-committed-${order.orderId}`,
              data: { guardians: order.guardians, orderId: order.orderId, amount: order.amount, gameId: order.gameId, committedAt: formatBeijing(nowMs) },
            })
          : null
    : undefined;
  const result = await deps.repo.commit(orderId, ownedBy(caller), nowMs, notify);
  if (!result.ok) {
    const order = result.order;
    if (!order || (caller.kind === 'player' && order.accountId !== caller.accountId)) throw new Problem('order_not_found');
    // Too late, but the sweeper has not come yet: release it now, so the ledger agrees with the answer.
    if (lapsed(order, nowMs) && (await releaseLapsed(deps, order, nowMs)).status === 'committed') return committedAnswer(orderId);
    throw new Problem('order_expired');
  }
  return committedAnswer(orderId);
}

export async function cancelPayment(deps: SpendingDeps, caller: Caller, orderId: string, nowMs: number) {
  const order = await deps.repo.get(orderId);
  if (!order || (caller.kind === 'player' && order.accountId !== caller.accountId)) throw new Problem('order_not_found');
  if (order.status === 'reserved') {
    const result = await deps.repo.release(order, 'cancelled', ownedBy(caller), nowMs);
    if (!result.ok && result.order?.status === 'committed') throw new Problem('order_conflict', { orderStatus: 'committed' });
  } else if (order.status === 'committed') {
    throw new Problem('order_conflict', { orderStatus: 'committed' });
  }
  // Cancelled already, or released by expiry: the amount is not held, which is what cancel asks.
  return { orderId, status: 'cancelled' as const };
}

/** Sweeper: reservations not committed in time release their amount. */
export async function releaseExpiredReservations(
  deps: Pick<SpendingDeps, 'repo'>,
  nowMs: number,
  outOfTime: () => boolean = () => false,
): Promise<{ released: number }> {
  let released = 0;
  for (const order of await deps.repo.expiredReservations(nowMs)) {
    if (outOfTime()) break;
    if ((await deps.repo.release(order, 'released', null, nowMs)).ok) released += 1;
  }
  if (released) metric('ReservationsReleased', released);
  return { released };
}

/** GET /v1/limits `spending`: what a reservation at this instant would decide. */
export async function spendingNow(deps: Pick<SpendingDeps, 'policy' | 'repo'>, account: BoundAccount, nowMs: number) {
  const { limits } = limitsFor(deps, account, nowMs);
  const totals = await deps.repo.totals(account.identityHash, beijingDate(nowMs), beijingMonth(nowMs));
  return spendingView(limits, totals.day, totals.month);
}
