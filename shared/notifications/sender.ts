/**
 * The webhook sender (docs/design.md "Notifications"): delivers queued events to the publisher's
 * endpoint, signed (shared/notifications/signature.ts), at least once. A scheduled job runs it;
 * no player's request ever waits for it.
 *
 * - A 2xx answer is delivery; anything else (another status, a redirect, a network error, no answer
 *   within the timeout) is retried with back-off: 30 s, doubling, at most an hour apart, until 24 h
 *   after the event happened (gateway time). A failure at or after that is a dead letter: kept for
 *   30 days, counted in the `WebhookDeadLetters` metric (alarmed), never tried again.
 * - Each attempt is claimed before it is sent (the attempt counted, the next one scheduled), so a
 *   run that dies mid-send, or a lost 2xx, means the event is sent again later: receivers
 *   de-duplicate on `id`, as the contract says.
 * - Scheduling follows the gateway clock (`now`), the signature's `t` the real clock: the receiver
 *   checks it against its own clock.
 * - Without a secret nothing is sent, ever unsigned: the run logs an error and counts
 *   `WebhookConfigurationError` (alarmed).
 */
import { log, metric } from '#shared/log';
import { RETRY_WINDOW_MS, type NotificationOutbox, type QueuedNotification } from '#shared/notifications/outbox';
import { sign, SIGNATURE_HEADER } from '#shared/notifications/signature';

export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3600_000;
/** How long one delivery may take before it counts as failed. */
export const DELIVERY_TIMEOUT_MS = 5_000;
/** Deliveries in flight at once. */
export const DELIVERY_CONCURRENCY = 10;
/** Events read per shard and round. */
const PAGE_PER_SHARD = 25;

/** The wait after the `failedAttempts`-th failure: 30 s, 60 s, 120 s, … at most 1 h. */
export const retryDelayMs = (failedAttempts: number): number => Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, Math.min(failedAttempts - 1, 20)));

export interface SenderDeps {
  outbox: NotificationOutbox;
  /** The publisher's endpoint; unset: webhooks are off and nothing is sent. */
  url: string | undefined;
  /** The webhook secret; empty: nothing is sent (a configuration error). */
  secret: string;
  /** The gateway clock (scheduling). */
  now: () => number;
  /** The real clock (the signature's `t`). */
  realNow?: () => number;
  fetch?: typeof fetch;
  timeoutMs?: number;
  concurrency?: number;
}

export interface SenderResult {
  delivered: number;
  retried: number;
  deadLettered: number;
  /** Events whose attempt or bookkeeping failed on our side (logged; retried on their schedule). */
  errors: number;
}

type Outcome = { ok: true; status: number } | { ok: false; reason: string };

async function post(deps: SenderDeps, url: string, e: QueuedNotification): Promise<Outcome> {
  const t = Math.floor((deps.realNow ?? Date.now)() / 1000);
  try {
    const res = await (deps.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'PlayGuard-Webhooks/1', [SIGNATURE_HEADER]: sign(deps.secret, e.body, t) },
      body: e.body,
      // A redirect is not a delivery: the signed body goes only to the configured address.
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs ?? DELIVERY_TIMEOUT_MS),
    });
    await res.body?.cancel().catch(() => undefined);
    return res.status >= 200 && res.status < 300 ? { ok: true, status: res.status } : { ok: false, reason: `status ${res.status}` };
  } catch (error) {
    return { ok: false, reason: (error as Error).name === 'TimeoutError' ? 'timeout' : 'network error' };
  }
}

async function attempt(deps: SenderDeps, url: string, e: QueuedNotification, result: SenderResult): Promise<void> {
  const now = deps.now();
  const retryUntil = e.occurredAtMs + RETRY_WINDOW_MS;
  const failed = e.attempts + 1;
  // The last retry falls on the end of the window; past it, a failure is final.
  const next = now < retryUntil ? Math.min(now + retryDelayMs(failed), retryUntil) : now + retryDelayMs(failed);
  if (!(await deps.outbox.claim(e, next, now))) return;
  const outcome = await post(deps, url, e);
  if (outcome.ok) {
    await deps.outbox.delivered(e.id);
    result.delivered += 1;
    return;
  }
  if (now >= retryUntil) {
    await deps.outbox.deadLetter(e.id, now, outcome.reason);
    result.deadLettered += 1;
    metric('WebhookDeadLetters', 1, { type: e.type });
    log.warn('webhook event dead-lettered', { eventId: e.id, type: e.type, attempts: failed, reason: outcome.reason });
    return;
  }
  result.retried += 1;
  log.info('webhook event not accepted: retrying', { eventId: e.id, type: e.type, attempts: failed, reason: outcome.reason, nextAttemptAt: next });
}

/** Delivers every due event until none is left or `shouldStop()` says the run's time is up. */
export async function sendDueNotifications(deps: SenderDeps, shouldStop: () => boolean): Promise<SenderResult> {
  const result: SenderResult = { delivered: 0, retried: 0, deadLettered: 0, errors: 0 };
  const url = deps.url;
  if (!url) return result;
  if (!deps.secret) {
    log.error('webhooks are configured but no webhook secret is set: nothing is sent (set webhookSecret in the secret, or WEBHOOK_SECRET locally)');
    metric('WebhookConfigurationError');
    return result;
  }
  const seen = new Set<string>();
  const limit = deps.concurrency ?? DELIVERY_CONCURRENCY;
  while (!shouldStop()) {
    const due = (await deps.outbox.due(deps.now(), PAGE_PER_SHARD)).filter((e) => !seen.has(e.id));
    if (due.length === 0) break;
    due.forEach((e) => seen.add(e.id));
    let next = 0;
    const worker = async () => {
      while (next < due.length && !shouldStop()) {
        const e = due[next++]!;
        await attempt(deps, url, e, result).catch((error: unknown) => {
          result.errors += 1;
          log.error('webhook delivery failed on our side', { eventId: e.id, type: e.type, error });
        });
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, due.length) }, worker));
  }
  return result;
}
