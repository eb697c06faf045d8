/**
 * Risk decisions that need storage: when a signal fires at login or payment, the gateway opens a
 * face challenge and answers 428 (docs/rules.md "Account rental and sharing"). The verdict and its
 * consequences for sessions are a use case across capabilities (shared/usecases/challenges.ts).
 */
import { randomBytes } from 'node:crypto';
import type { AccountRecord } from '#shared/accounts/repository';
import { formatBeijing } from '#shared/domain/beijingTime';
import { challengeExpiresAtMs, type RiskDecision, type RiskPolicy } from '#shared/domain/riskRules';
import type { NotificationOutbox } from '#shared/notifications/outbox';
import { log, metric } from '#shared/log';
import { Problem } from '#shared/problem';
import type { RiskRepository } from '#shared/risk/repository';

export interface RiskDeps {
  repo: RiskRepository;
  policy: RiskPolicy;
  /** Webhook events; null or absent: webhooks are off and none is queued. */
  notifications?: NotificationOutbox | null;
}

/**
 * Opens (or reuses the open) challenge for a fired signal and returns the contract's 428. With
 * webhooks on, the publisher is told (`risk.challenge_issued`) by an event written in the same
 * transaction: opaque ids only (docs/design.md "Notifications").
 */
export async function challengeRequired(
  deps: RiskDeps,
  account: AccountRecord,
  decision: Extract<RiskDecision, { outcome: 'challenge' }>,
  context: 'login' | 'payment',
  nowMs: number,
  gameId?: string,
): Promise<Problem> {
  metric('RiskChallenge', 1, { signal: decision.signal, context, ...(gameId ? { gameId } : {}) });
  const open = account.openChallenge;
  if (open && open.signal === decision.signal && open.expiresAtMs > nowMs) {
    return new Problem('challenge_required', { challengeId: open.challengeId, challengeKind: 'face', signal: decision.signal });
  }
  const challengeId = randomBytes(16).toString('hex');
  const expiresAtMs = challengeExpiresAtMs(deps.policy, nowMs);
  const event = deps.notifications?.eventPart({
    type: 'risk.challenge_issued',
    occurredAtMs: nowMs,
    data: {
      challengeId,
      accountId: account.accountId,
      ...(gameId !== undefined ? { gameId } : {}),
      signal: decision.signal,
      trigger: context,
      challengeKind: 'face',
      expiresAt: formatBeijing(expiresAtMs),
    },
  });
  await deps.repo.openChallenge(
    { challengeId, accountId: account.accountId, signal: decision.signal, context, createdAt: nowMs, expiresAtMs, ...(gameId ? { gameId } : {}) },
    decision.inputs,
    event,
  );
  log.info('risk challenge opened', { accountId: account.accountId, signal: decision.signal, context });
  return new Problem('challenge_required', { challengeId, challengeKind: 'face', signal: decision.signal });
}
