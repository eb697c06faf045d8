/**
 * Keyed hashes: the table never holds an ID number, a name or a device id in clear (docs/rules.md
 * §5, docs/design.md): the keys of persons and devices, a verified name's hash, a guardian's opaque
 * ward ids and confirmation codes, and the sealed submission. HMAC-SHA-256 with the pepper from
 * Secrets Manager.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export const identityHash = (pepper: string, idNumber: string): string =>
  createHmac('sha256', pepper).update(`id:${idNumber.toUpperCase()}`).digest('base64url');

export const deviceHash = (pepper: string, deviceId: string): string =>
  createHmac('sha256', pepper).update(`device:${deviceId}`).digest('base64url').slice(0, 22);

/**
 * A submission the national system could not be asked about yet (outage) must not be lost, yet the
 * name and ID number must never be kept in clear: they are sealed with AES-256-GCM under a key
 * derived from the pepper, kept only until the re-check (at most 48 h, TTL), then removed.
 */
function sealingKey(pepper: string): Buffer {
  return Buffer.from(hkdfSync('sha256', pepper, 'playguard', 'sealed-submission', 32));
}

export function seal(pepper: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealingKey(pepper), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

export function unseal(pepper: string, sealed: string): string {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', sealingKey(pepper), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

/**
 * A keyed hash of a name with its ID number, kept at verification so a guardian can be asked for
 * the ward's name without the gateway ever storing it (docs/guardians.md). Whitespace is ignored.
 */
export const nameKeyOf = (pepper: string, name: string, idNumber: string): string =>
  createHmac('sha256', pepper)
    .update(`name:${idNumber.toUpperCase()}:${name.replace(/\s+/g, '')}`)
    .digest('base64url');

/** A guardian's opaque id for a ward: differs from guardian to guardian, reveals nothing without the pepper. */
export const wardIdOf = (pepper: string, guardianAccountId: string, identityHash: string): string =>
  `w_${createHmac('sha256', pepper).update(`ward:${guardianAccountId}:${identityHash}`).digest('base64url').slice(0, 22)}`;

/** A confirmation code is kept only as this hash. */
export const confirmCodeHash = (pepper: string, code: string): string => createHmac('sha256', pepper).update(`link-code:${code}`).digest('base64url');
