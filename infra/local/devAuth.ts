/**
 * The local stand-in for the token issuers and for API Gateway's two JWT authorizers.
 *
 * Issuers: a development RS256 key signs `POST /__dev/tokens` (players' and game servers' tokens
 * from `https://playguard.local/dev`, operators' from `https://playguard.local/dev-staff`, as the
 * contract's local mode says); the publisher's own keys (`PUBLISHER_KEYS`) and the local staff
 * identity provider (infra/local/staffIdp.ts) are trusted as well once the runner adds them.
 *
 * Authorizers: requests are verified the way the deployed ones do it, each route against its own
 * issuers (player and server routes: the players' issuers; operator routes: the staff issuers): RSA
 * algorithms only, a `kid` naming a key of that issuer's set, `exp` required and in the future,
 * `nbf` and `iat` not in the future, issuer and audience checked. On top, `sub` must be a string of
 * 1–128 characters (the functions key accounts on it).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createLocalJWKSet,
  decodeJwt,
  exportJWK,
  generateKeyPair,
  importJWK,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from 'jose';

export const DEV_ISSUER = 'https://playguard.local/dev';
export const DEV_AUDIENCE = 'playguard';
/** Operators' development tokens come from the staff issuer, never the players' (contract: *Operators*). */
export const DEV_STAFF_ISSUER = 'https://playguard.local/dev-staff';
export const DEV_STAFF_AUDIENCE = 'playguard-console';
export const DEV_ALGORITHM = 'RS256';
/** API Gateway's JWT authorizer accepts RSA signatures only. */
export const ACCEPTED_ALGORITHMS = ['RS256', 'RS384', 'RS512'];
/**
 * Allowed clock skew for `exp`, `nbf` and `iat`: none. Tokens are minted and checked on the same
 * clock here, and a token that passes locally must not be one the deployed authorizer refuses.
 */
export const CLOCK_TOLERANCE_SECONDS = 0;

/** Which authorizer a route has deployed: the players' issuer, or the staff issuer (operator routes). */
export type Authorizer = 'players' | 'staff';

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  jwks: JSONWebKeySet;
}

export interface DevAuth {
  /** `game` becomes the token's `game` claim (the game it is for); without it the token names none. */
  issue(claims: { sub: string; scope?: string; game?: string | undefined; ttlSeconds?: number }, nowMs: number): Promise<string>;
  /** Verifies as the route's authorizer would; throws TokenRefused. */
  verify(token: string, nowMs: number, authorizer?: Authorizer): Promise<JWTPayload>;
  /** Trusts one more issuer on one authorizer (the publisher's keys, the local staff identity provider). */
  trust(authorizer: Authorizer, issuer: TrustedIssuer): void;
  /** The development key's public half. */
  jwks: JSONWebKeySet;
  /** The development key itself, for the local staff identity provider to sign with. */
  privateJwk: JWK;
}

export class TokenRefused extends Error {}

/** A persisted key is reused only if it is a complete RS256 private key (older runs wrote ES256 keys). */
function usableKey(file: string): JWK | undefined {
  try {
    const jwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
    return jwk.kty === 'RSA' && jwk.alg === DEV_ALGORITHM && typeof jwk.kid === 'string' && typeof jwk.d === 'string' ? jwk : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps the key next to persisted data so tokens survive a restart with `--persist`. */
export async function createDevAuth(persistDir?: string): Promise<DevAuth> {
  const file = persistDir ? join(persistDir, 'dev-signing-key.json') : undefined;
  let privateJwk = file && existsSync(file) ? usableKey(file) : undefined;
  if (!privateJwk) {
    const { privateKey } = await generateKeyPair(DEV_ALGORITHM, { extractable: true, modulusLength: 2048 });
    privateJwk = { ...(await exportJWK(privateKey)), kid: `dev-${Date.now().toString(36)}`, alg: DEV_ALGORITHM };
    if (file) {
      mkdirSync(persistDir!, { recursive: true });
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk, DEV_ALGORITHM)) as CryptoKey;
  const kid = privateJwk.kid!;
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, use: 'sig' }] };

  const trusted: Record<Authorizer, Array<TrustedIssuer & { keySet: ReturnType<typeof createLocalJWKSet> }>> = { players: [], staff: [] };
  const trust = (authorizer: Authorizer, t: TrustedIssuer) => {
    trusted[authorizer] = [...trusted[authorizer].filter((x) => x.issuer !== t.issuer), { ...t, keySet: createLocalJWKSet(t.jwks) }];
  };
  trust('players', { issuer: DEV_ISSUER, audience: DEV_AUDIENCE, jwks });
  trust('staff', { issuer: DEV_STAFF_ISSUER, audience: DEV_STAFF_AUDIENCE, jwks });

  return {
    jwks,
    privateJwk,
    trust,
    issue: async ({ sub, scope = 'player', game, ttlSeconds = 3600 }, nowMs) => {
      const iat = Math.floor(nowMs / 1000);
      const staff = scope === 'operator';
      return new SignJWT({ scope, ...(game !== undefined ? { game } : {}) })
        .setProtectedHeader({ alg: DEV_ALGORITHM, kid, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(staff ? DEV_STAFF_ISSUER : DEV_ISSUER)
        .setAudience(staff ? DEV_STAFF_AUDIENCE : DEV_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(privateKey);
    },
    verify: async (token, nowMs, authorizer = 'players') => {
      let iss: unknown;
      try {
        iss = decodeJwt(token).iss;
      } catch {
        throw new TokenRefused('the token is not a JWT');
      }
      // One issuer per authorizer deployed; here every issuer this route's authorizer stands for.
      const t = trusted[authorizer].find((x) => x.issuer === iss);
      if (!t) throw new TokenRefused('the token comes from an issuer this route does not trust');
      const { payload } = await jwtVerify(
        token,
        // A JWKS lookup without a kid would fall back to the only key of the set; the authorizer
        // requires the header to name the key.
        (header, jws) => {
          if (typeof header.kid !== 'string' || header.kid === '') throw new TokenRefused('the token header has no kid');
          return t.keySet(header, jws);
        },
        {
          issuer: t.issuer,
          audience: t.audience,
          algorithms: ACCEPTED_ALGORITHMS,
          requiredClaims: ['exp'],
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
          currentDate: new Date(nowMs),
        },
      );
      // jose checks `iat` against the clock only when maxTokenAge is set.
      if (payload.iat !== undefined && payload.iat > Math.floor(nowMs / 1000) + CLOCK_TOLERANCE_SECONDS)
        throw new TokenRefused('the token is issued in the future');
      if (typeof payload.sub !== 'string' || payload.sub.length < 1 || payload.sub.length > 128)
        throw new TokenRefused('sub must be a string of 1–128 characters');
      return payload;
    },
  };
}
