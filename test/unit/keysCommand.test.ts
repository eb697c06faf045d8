/**
 * `npm run keys` (infra/cli/keys.ts): a new key pair keeps the private key alone in a mode-600 PKCS#8
 * file beside a .gitignore and adds only the public half to the JWKS that is deployed; a second key
 * is added for rotation, at most three; retire removes one but never the last; token signs what the
 * gateway verifies.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { KeysCommandError, main, newKey, retireKey, signToken } from '#infra/cli/keys';
import { publisherKeysProblems, readPublisherKeys } from '#infra/publisherKeys';

const fresh = () => join(mkdtempSync(join(tmpdir(), 'pg-keys-unit-')), 'publisher-keys');

describe('npm run keys', () => {
  it('new: the private key alone, mode 600, git-ignored; its public half in jwks.json', () => {
    const dir = fresh();
    const k = newKey(dir, 'pg-a');
    expect(statSync(k.privateKeyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, '.gitignore'), 'utf8')).toBe('*.private.pem\n');
    const pem = readFileSync(k.privateKeyFile, 'utf8');
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    const jwks = JSON.parse(readFileSync(k.jwksFile, 'utf8'));
    expect(publisherKeysProblems(jwks)).toEqual([]);
    expect(jwks.keys).toEqual([{ kty: 'RSA', kid: 'pg-a', use: 'sig', alg: 'RS256', n: expect.any(String), e: 'AQAB' }]);
    // The public key in the JWKS is the private key's own.
    expect(createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' }).n).toBe(jwks.keys[0].n);
    expect(readPublisherKeys(k.jwksFile)).toEqual(jwks);
  });

  it('new again adds a key for rotation, at most three; a kid is used once', () => {
    const dir = fresh();
    newKey(dir, 'pg-a');
    expect(() => newKey(dir, 'pg-a')).toThrow(KeysCommandError);
    newKey(dir, 'pg-b');
    expect(newKey(dir, 'pg-c').keys).toBe(3);
    expect(() => newKey(dir, 'pg-d')).toThrow(/has 3 keys already: retire one first/);
    expect(newKey(fresh()).kid).toMatch(/^pg-\d{8}-[0-9a-f]{6}$/);
  });

  it('retire removes a key, never the last or an unknown one', () => {
    const dir = fresh();
    newKey(dir, 'pg-a');
    expect(() => retireKey(dir, 'pg-a')).toThrow(/only key/);
    newKey(dir, 'pg-b');
    expect(() => retireKey(dir, 'pg-x')).toThrow(/has no key pg-x \(it has pg-a, pg-b\)/);
    expect(retireKey(dir, 'pg-a').keys.map((k) => k.kid)).toEqual(['pg-b']);
  });

  it('token signs RS256 with the kid of its file, verifiable with the JWKS', async () => {
    const dir = fresh();
    const k = newKey(dir, 'pg-a');
    const token = await main([
      'token',
      '--key',
      k.privateKeyFile,
      '--issuer',
      'https://playguard.mingyue-games.cn',
      '--sub',
      'acct-1',
      '--scope',
      'server',
      '--game',
      'g-two',
      '--ttl',
      '600',
    ]);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(readPublisherKeys(k.jwksFile)), {
      issuer: 'https://playguard.mingyue-games.cn',
      audience: 'playguard',
    });
    expect(protectedHeader).toEqual({ alg: 'RS256', kid: 'pg-a', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: 'acct-1', scope: 'server', game: 'g-two' });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(
      await signToken({ key: k.privateKeyFile, issuer: 'https://x.mingyue-games.cn', sub: 'a', kid: 'other' }).then(
        (t) => JSON.parse(Buffer.from(t.split('.')[0]!, 'base64url').toString()).kid,
      ),
    ).toBe('other');
  });

  it('refuses what it cannot do, saying how', async () => {
    await expect(main(['token', '--key', 'k.pem'])).rejects.toThrow('token needs --key, --issuer and --sub');
    await expect(main(['token', '--key', 'k.pem', '--issuer', 'https://a.cn', '--sub', 's', '--scope', 'operator'])).rejects.toThrow(
      /operators sign in at the staff issuer/,
    );
    await expect(main(['token', '--key', 'k.pem', '--issuer', 'https://a.cn', '--sub', 's', '--ttl', '999999'])).rejects.toThrow('--ttl is 1–86400 seconds');
    await expect(main(['retire'])).rejects.toThrow('retire needs --kid');
    await expect(main(['rotate'])).rejects.toThrow(/^usage: npm run keys -- new/);
    const report = await main(['new', '--dir', fresh(), '--kid', 'pg-printed']);
    expect(report).toContain('-c playguard:publisherKeys=');
    expect(report).toContain('header kid "pg-printed"');
  });
});
