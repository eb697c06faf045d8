/**
 * The publisher's own signing keys (`playguard:publisherKeys`, locally `PUBLISHER_KEYS`): a JWKS file
 * of public RS256 keys that the game or account server signs player and server tokens with. The
 * deployment serves it at `/.well-known/jwks.json` and API Gateway's JWT authorizer trusts it (the
 * contract's "Publisher keys"). `npm run keys -- new` writes such a file (infra/cli/keys.ts).
 *
 * Checked as API Gateway will use it, before anything is deployed: RSA keys only (the authorizer
 * verifies RSA signatures only), each with a unique `kid` (tokens name their key), at least 2048 bits,
 * `alg` RS256 and `use` sig when given, and never a private key (a JWKS file with `d` is the private
 * key: it must stay with the publisher).
 */
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { JSONWebKeySet, JWK } from 'jose';

/** Current, next and retiring key during a rotation: more is a mistake (and every key rides in the meta function's environment, 4 KB in all). */
export const MAX_PUBLISHER_KEYS = 3;
export const MIN_MODULUS_BITS = 2048;
const KID = /^[A-Za-z0-9._-]{1,64}$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

export class PublisherKeysProblem extends Error {}

/** The public JWKS as served: only what a verifier needs, in a fixed order. */
export type PublicJwks = { keys: Array<{ kty: 'RSA'; kid: string; use: 'sig'; alg: 'RS256'; n: string; e: string }> };

/** Checks a parsed JWKS document; every problem found, each naming the key. */
export function publisherKeysProblems(document: unknown): string[] {
  const keys = (document as JSONWebKeySet | undefined)?.keys;
  if (typeof document !== 'object' || document === null || !Array.isArray(keys)) return ['is not a JWKS document ({"keys": [...]})'];
  if (keys.length === 0) return ['has no key'];
  const problems: string[] = [];
  if (keys.length > MAX_PUBLISHER_KEYS)
    problems.push(
      `has ${keys.length} keys; at most ${MAX_PUBLISHER_KEYS} (the current one, the next and one retiring): remove retired keys with npm run keys -- retire`,
    );
  const seen = new Set<string>();
  keys.forEach((raw: unknown, i) => {
    const key = (typeof raw === 'object' && raw !== null ? raw : {}) as JWK & Record<string, unknown>;
    const name = typeof key.kid === 'string' ? `key "${key.kid}"` : `key ${i}`;
    if (PRIVATE_MEMBERS.some((m) => m in key)) {
      problems.push(
        `${name} is a private key: deploy only the public JWKS (npm run keys wrote it beside the private key), and keep the private key on the game server`,
      );
      return;
    }
    if (typeof key.kid !== 'string' || !KID.test(key.kid))
      problems.push(`${name}: kid must be 1–64 letters, digits, ".", "_" or "-" (tokens name their key with it)`);
    else if (seen.has(key.kid)) problems.push(`${name}: two keys share this kid`);
    else seen.add(key.kid);
    if (key.kty !== 'RSA') return void problems.push(`${name}: kty must be RSA (API Gateway verifies RSA signatures only), not ${JSON.stringify(key.kty)}`);
    if (key.alg !== undefined && key.alg !== 'RS256') problems.push(`${name}: alg must be RS256, not ${JSON.stringify(key.alg)}`);
    if (key.use !== undefined && key.use !== 'sig') problems.push(`${name}: use must be sig, not ${JSON.stringify(key.use)}`);
    try {
      const publicKey = createPublicKey({ key: { kty: 'RSA', n: key.n, e: key.e } as never, format: 'jwk' });
      const bits = publicKey.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < MIN_MODULUS_BITS) problems.push(`${name}: ${bits}-bit modulus; at least ${MIN_MODULUS_BITS} bits`);
    } catch {
      problems.push(`${name}: n and e are not an RSA public key`);
    }
  });
  return problems;
}

/** The JWKS reduced to what is served (no private member ever passes publisherKeysProblems). */
export function publicJwks(document: JSONWebKeySet): PublicJwks {
  return { keys: document.keys.map((k) => ({ kty: 'RSA', kid: k.kid!, use: 'sig', alg: 'RS256', n: k.n!, e: k.e! })) };
}

/** Reads and checks a JWKS file; throws PublisherKeysProblem listing every problem. */
export function readPublisherKeys(file: string): PublicJwks {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new PublisherKeysProblem(`cannot read ${file}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new PublisherKeysProblem(`${file} is not valid JSON`);
  }
  const problems = publisherKeysProblems(document);
  if (problems.length) throw new PublisherKeysProblem(`${file} ${problems.join('; ')}`);
  return publicJwks(document as JSONWebKeySet);
}

/** Where a publisher-keys deployment's tokens must say they come from, and where its keys are. */
export const jwksUriOf = (issuer: string): string => `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json`;
