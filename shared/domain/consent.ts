/**
 * A guardian's consent for a child under 14 (2019 Children's Personal Information Regulations
 * Art. 2: "children" are under 14; Art. 9: their guardian's consent is needed to process their
 * personal information; Art. 10 para 2: asked again when what they were told changes substantially).
 * Pure: the records as the account carries them in, whether login and payments may go ahead out.
 *
 * Two ways to record it, the deployment's choice (`CONSENT`, cdk context `playguard:consent`):
 * - `attested` (the default): the game client shows the guardian the privacy policy and a checkbox at
 *   the real-name step, and sends `guardianConsent: {policyVersion}` with POST /v1/identity;
 * - `guardian`: a confirmed guardian records it (POST /v1/guardian/wards/{wardId}/consent); an
 *   attestation from the client does not count.
 * Either way a consent names the privacy policy version it was given to: after the publisher's
 * version changes (`PRIVACY_POLICY_VERSION`, `playguard:privacyPolicyVersion`) it is asked again.
 */
import { ageOn } from '#shared/domain/age';
import { beijingDate } from '#shared/domain/beijingTime';

/** Under this age (completed years) a guardian's consent is needed (2019 Children's PI Regulations Art. 2). */
export const CONSENT_AGE = 14;

export type ConsentMode = 'attested' | 'guardian';

/** The deployment's consent policy: who records it, and the privacy policy version it must name. */
export interface ConsentPolicy {
  mode: ConsentMode;
  policyVersion: string;
}

/** One recorded consent: when, how, and to which version of the privacy policy. */
export interface ConsentRecord {
  at: number;
  how: ConsentMode;
  policyVersion: string;
}

/** What the account carries: the client's attestation (its own) and a guardian's (the person's, on the guardianship copy). */
export interface ConsentFacts {
  birthDate: string;
  attested?: ConsentRecord | null | undefined;
  guardian?: ConsentRecord | null | undefined;
}

export interface ConsentStanding {
  /** The person is under 14 today. */
  required: boolean;
  /** A consent that counts now: of the current version, and recorded in a way the policy accepts. */
  given: ConsentRecord | null;
  /** Login and payments may go ahead. */
  ok: boolean;
}

/** Whether the person born on `birthDate` needs a guardian's consent on the Beijing day of `nowMs`. */
export const consentRequired = (birthDate: string, nowMs: number): boolean => ageOn(birthDate, beijingDate(nowMs)) < CONSENT_AGE;

/**
 * Whether login and payments may go ahead: no consent is needed (14 or older), or one counts — a
 * guardian's of the current version, or under `attested` also the client's attestation of it.
 */
export function consentStanding(facts: ConsentFacts, policy: ConsentPolicy, nowMs: number): ConsentStanding {
  const current = (r: ConsentRecord | null | undefined): r is ConsentRecord => !!r && r.policyVersion === policy.policyVersion;
  const given = current(facts.guardian) ? facts.guardian : policy.mode === 'attested' && current(facts.attested) ? facts.attested : null;
  const required = consentRequired(facts.birthDate, nowMs);
  return { required, given, ok: !required || given !== null };
}
