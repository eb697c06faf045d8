/**
 * The evidence a refund of a minor's payment is decided on (Ministry of Culture and Tourism 2021
 * opinion, item 8: minors' payments on adult accounts identified, with electronic evidence collected,
 * for quick handling and compensation): who paid as far as the gateway knew — the age band whose
 * limits applied, whether minor rules were forced on the account, the identity's status — whether a
 * session of the game was in progress, how many devices the account used, and that Beijing day's risk
 * signals and face checks. Pure: built from the account item the reservation reads anyway, so it
 * rides on the order (shared/spending/service.ts) and costs no request; the commit seals it. It names
 * no device and no person, and outlives the session records (orders are kept 180 days).
 */
import type { AgeBand } from '#shared/domain/age';
import { beijingDate } from '#shared/domain/beijingTime';
import type { RiskPolicy } from '#shared/domain/riskRules';

export interface RiskSignalSeen {
  /** The signal, or null where the account does not say (minor rules forced by a failed check). */
  signal: string | null;
  outcome: 'open' | 'passed' | 'failed';
  at: number;
}

export interface PaymentEvidence {
  /** When it was taken (the reservation) and when the commit sealed it. */
  capturedAt: number;
  sealedAt?: number | undefined;
  /** The band whose limits the payment was held to, and whether minor rules were forced on the account. */
  ageBand: AgeBand;
  minorRules: boolean;
  identityStatus: 'verified' | 'pending';
  /** The account's live session in the order's game when it paid, and the account's last login. */
  session: { inProgress: boolean; sessionId: string | null; loggedInAt: number | null };
  /** Distinct devices the account logged in from within the risk window (24 h by default), and ever. */
  devices: { inWindow: number; known: number };
  /** That Beijing day's signals and face checks, as the account recorded them. */
  riskSignals: RiskSignalSeen[];
  flaggedAt: number | null;
}

/** What of the account the evidence is made from (shared/accounts/repository.ts). */
export interface EvidenceFacts {
  identityStatus?: 'pending' | 'verified' | 'rejected' | undefined;
  leases: Record<string, { sessionId: string }>;
  lastLoginAt?: number | undefined;
  devices?: Record<string, number> | undefined;
  suppressed?: Record<string, number> | undefined;
  minorRulesUntil?: number | undefined;
  openChallenge?: { challengeId: string; signal: string; expiresAtMs: number } | undefined;
  flaggedAt?: number | undefined;
}

type EvidencePolicy = Pick<RiskPolicy, 'deviceWindowSeconds' | 'challengePassSuppressSeconds' | 'minorRulesSeconds' | 'challengeTtlSeconds'>;

/** The evidence of a payment reserved at `nowMs` in `gameId`, held to the limits of `ageBand`. */
export function paymentEvidence(account: EvidenceFacts, gameId: string, ageBand: AgeBand, policy: EvidencePolicy, nowMs: number): PaymentEvidence {
  const day = beijingDate(nowMs);
  const sameDay = (at: number) => at <= nowMs && beijingDate(at) === day;
  const signals: RiskSignalSeen[] = [];
  // A passed check silences its signal for `challengePassSuppressSeconds`; the pass is that long before its end.
  if (policy.challengePassSuppressSeconds > 0) {
    for (const [signal, until] of Object.entries(account.suppressed ?? {})) {
      const at = until - policy.challengePassSuppressSeconds * 1000;
      if (sameDay(at)) signals.push({ signal, outcome: 'passed', at });
    }
  }
  if (account.minorRulesUntil !== undefined) {
    const at = account.minorRulesUntil - policy.minorRulesSeconds * 1000;
    if (sameDay(at)) signals.push({ signal: null, outcome: 'failed', at });
  }
  if (account.openChallenge && account.openChallenge.expiresAtMs > nowMs) {
    const at = account.openChallenge.expiresAtMs - policy.challengeTtlSeconds * 1000;
    if (sameDay(at)) signals.push({ signal: account.openChallenge.signal, outcome: 'open', at });
  }
  const seen = Object.values(account.devices ?? {});
  const lease = account.leases[gameId];
  return {
    capturedAt: nowMs,
    ageBand,
    minorRules: account.minorRulesUntil !== undefined && account.minorRulesUntil > nowMs,
    identityStatus: account.identityStatus === 'verified' ? 'verified' : 'pending',
    session: { inProgress: lease !== undefined, sessionId: lease?.sessionId ?? null, loggedInAt: account.lastLoginAt ?? null },
    devices: { inWindow: seen.filter((t) => t > nowMs - policy.deviceWindowSeconds * 1000).length, known: seen.length },
    riskSignals: signals.sort((a, b) => a.at - b.at),
    flaggedAt: account.flaggedAt ?? null,
  };
}
