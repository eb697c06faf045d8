/**
 * Test identities: ID numbers are generated with a valid GB 11643 check character for any
 * birth date, so tests can state ages exactly. None of these are real people.
 */
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberFor(birthDate: string, sequence = 1, region = '110101'): string {
  const body = `${region}${birthDate.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`;
  const sum = [...body].reduce((acc, ch, i) => acc + Number(ch) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11];
}

let counter = 0;
/** A fresh person (unique ID number) born on `birthDate`. */
export function person(birthDate: string, name = '张三'): { name: string; idNumber: string } {
  counter += 1;
  return { name, idNumber: idNumberFor(birthDate, (counter % 999) + 1, String(110101 + Math.floor(counter / 999))) };
}

/** The privacy policy version the local gateway's consents name (PRIVACY_POLICY_VERSION unset: its default). */
export const POLICY_VERSION = '1';

/**
 * A real-name submission of `who` with the guardian's consent the client attests for a child under
 * 14 (policy `consent: "attested"`, the default; 2019 Children's PI Regulations Arts. 9–10): what the
 * standard prompts send once the guardian ticked the box. Read only for a child under 14.
 */
export const withConsent = <T extends { name: string; idNumber: string }>(who: T): T & { guardianConsent: { policyVersion: string } } => ({
  ...who,
  guardianConsent: { policyVersion: POLICY_VERSION },
});

/** The `guardianConsent` member of an identity answer (docs/api.md): needed (under 14), and given. */
export const consentStatus = (required: boolean, given: boolean) => ({ required, given, policyVersion: POLICY_VERSION, consent: 'attested' as const });
