/**
 * The signature of a webhook request (the contract's "Notifications to the publisher"):
 * `playguard-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret as UTF-8, "<t>.<raw body>")>`.
 * `t` is the real time of sending, so a receiver can refuse old captures (replay) with a tolerance;
 * the body is signed byte for byte, so a receiver must verify the raw body before parsing it.
 * `verify` is the receiver's side, the same logic as the snippet in docs/webhooks.md; tests check the two agree.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'playguard-signature';

const hmacHex = (secret: string, t: string, body: string): string =>
  createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${t}.${body}`, 'utf8').digest('hex');

/** The header value for `body` sent at `tSeconds` (unix seconds, real time). */
export function sign(secret: string, body: string, tSeconds: number): string {
  const t = String(Math.floor(tSeconds));
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

/**
 * Whether `header` signs `body` with `secret` at a time within `toleranceSeconds` of `nowSeconds`.
 * Several `v1` values are accepted (any one matching), compared in constant time.
 */
export function verify(secret: string, header: string | undefined | null, body: string, toleranceSeconds: number, nowSeconds: number): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v)).map(([, v]) => Buffer.from(v!, 'hex'));
  if (!t || !/^\d+$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, t, body), 'hex');
  return signatures.some((s) => timingSafeEqual(s, expected));
}
