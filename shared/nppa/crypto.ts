/**
 * NPPA body encryption and request signature, exactly as the interface specification (接口对接技术规范 V1.8) says (docs/nppa.md).
 * Body: AES-128-GCM, key = hex-decode(secretKey), random 12-byte IV, no AAD, 16-byte tag;
 * payload = base64(IV ‖ ciphertext ‖ tag), sent as {"data":"<payload>"}.
 * Sign: secretKey + sorted(system headers except sign, plus URL query) as key+value + raw body, SHA-256 hex.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/** The AES-128 key: hex-decode of the 32-hex-character secretKey. The message never echoes the key. */
function aesKey(secretKeyHex: string): Buffer {
  if (!/^[0-9a-fA-F]{32}$/.test(secretKeyHex)) throw new Error('NPPA secret key must be 32 hex characters');
  return Buffer.from(secretKeyHex, 'hex');
}

/** The base64 payload (IV ‖ ciphertext ‖ tag) of `plaintext`; `iv` is only given to reproduce a vector. */
export function encryptBody(plaintext: string, secretKeyHex: string, iv: Buffer = randomBytes(12)): string {
  if (iv.length !== 12) throw new Error('IV must be 12 bytes');
  const cipher = createCipheriv('aes-128-gcm', aesKey(secretKeyHex), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the payload was not encrypted with this key (authentication fails). */
export function decryptBody(payload: string, secretKeyHex: string): string {
  const raw = Buffer.from(payload, 'base64');
  if (raw.length < 28) throw new Error('payload too short');
  const decipher = createDecipheriv('aes-128-gcm', aesKey(secretKeyHex), raw.subarray(0, 12), { authTagLength: 16 });
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

export interface SignInput {
  secretKey: string;
  headers: { appId: string; bizId: string; timestamps: string };
  query?: Record<string, string>;
  body: string;
}

/** The string that is hashed: secretKey, then sorted key+value pairs, then the raw body. */
export function signatureBase({ secretKey, headers, query = {}, body }: SignInput): string {
  const params: Record<string, string> = { ...query, appId: headers.appId, bizId: headers.bizId, timestamps: headers.timestamps };
  const sorted = Object.keys(params)
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return `${secretKey}${sorted}${body}`;
}

/** The `sign` header: lowercase hex SHA-256 of the signature base. */
export function signRequest(input: SignInput): string {
  return createHash('sha256').update(signatureBase(input), 'utf8').digest('hex');
}
