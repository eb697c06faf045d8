/**
 * NPPA body encryption and request signature, exactly as NPPA.md specifies (接口对接技术规范 V1.8).
 * Body: AES-128-GCM, key = hex-decode(secretKey), random 12-byte IV, no AAD, 16-byte tag;
 * payload = base64(IV ‖ ciphertext ‖ tag), sent as {"data":"<payload>"}.
 * Sign: secretKey + sorted(system headers except sign, plus URL query) as key+value + raw body, SHA-256 hex.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export function encryptBody(plaintext: string, secretKeyHex: string, iv: Buffer = randomBytes(12)): string {
  const cipher = createCipheriv('aes-128-gcm', Buffer.from(secretKeyHex, 'hex'), iv);
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64');
}

/** Throws when the payload was not encrypted with this key (authentication fails). */
export function decryptBody(payload: string, secretKeyHex: string): string {
  const raw = Buffer.from(payload, 'base64');
  if (raw.length < 28) throw new Error('payload too short');
  const decipher = createDecipheriv('aes-128-gcm', Buffer.from(secretKeyHex, 'hex'), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8');
}

export interface SignInput {
  secretKey: string;
  headers: { appId: string; bizId: string; timestamps: string };
  query?: Record<string, string>;
  body: string;
}

export function signatureBase({ secretKey, headers, query = {}, body }: SignInput): string {
  const params: Record<string, string> = { ...query, appId: headers.appId, bizId: headers.bizId, timestamps: headers.timestamps };
  const sorted = Object.keys(params)
    .sort()
    .map((k) => `${k}${params[k]}`)
    .join('');
  return `${secretKey}${sorted}${body}`;
}

export function signRequest(input: SignInput): string {
  return createHash('sha256').update(signatureBase(input), 'utf8').digest('hex');
}
