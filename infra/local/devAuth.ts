/**
 * The local stand-in for the publisher's account service and for API Gateway's JWT authorizer:
 * a development ES256 key signs tokens (`POST /__dev/tokens`), and requests are verified against
 * its JWKS with issuer and audience checked, as the deployed authorizer does.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK, type JWTPayload } from 'jose';

export const DEV_ISSUER = 'https://playguard.local/dev';
export const DEV_AUDIENCE = 'playguard';

export interface DevAuth {
  issue(claims: { sub: string; scope?: string; ttlSeconds?: number }, nowMs: number): Promise<string>;
  verify(token: string, nowMs: number): Promise<JWTPayload>;
  jwks: JSONWebKeySet;
}

/** Keeps the key next to persisted data so tokens survive a restart with `--persist`. */
export async function createDevAuth(persistDir?: string): Promise<DevAuth> {
  let privateJwk: JWK;
  const file = persistDir ? join(persistDir, 'dev-signing-key.json') : undefined;
  if (file && existsSync(file)) {
    privateJwk = JSON.parse(readFileSync(file, 'utf8')) as JWK;
  } else {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    privateJwk = { ...(await exportJWK(privateKey)), kid: `dev-${Date.now().toString(36)}`, alg: 'ES256' };
    if (file) {
      mkdirSync(persistDir!, { recursive: true });
      writeFileSync(file, JSON.stringify(privateJwk), { mode: 0o600 });
    }
  }
  const { d: _d, ...publicJwk } = privateJwk;
  const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const jwks: JSONWebKeySet = { keys: [{ ...publicJwk, use: 'sig' }] };
  const keySet = createLocalJWKSet(jwks);

  return {
    jwks,
    issue: async ({ sub, scope = 'player', ttlSeconds = 3600 }, nowMs) => {
      const iat = Math.floor(nowMs / 1000);
      return new SignJWT({ scope })
        .setProtectedHeader({ alg: 'ES256', kid: privateJwk.kid!, typ: 'JWT' })
        .setSubject(sub)
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(iat + ttlSeconds)
        .sign(privateKey);
    },
    verify: async (token, nowMs) => {
      const { payload } = await jwtVerify(token, keySet, {
        issuer: DEV_ISSUER,
        audience: DEV_AUDIENCE,
        algorithms: ['ES256', 'RS256'],
        currentDate: new Date(nowMs),
      });
      return payload;
    },
  };
}
