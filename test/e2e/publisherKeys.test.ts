/**
 * Publisher keys end to end (contract, Version 2: *Publisher keys*; docs/publisher-keys.md): a key
 * pair from `npm run keys -- new`, a local gateway started with `PUBLISHER_KEYS` (it serves the JWKS
 * and trusts it, its own URL the issuer, as a deployment does), and the documentation's programs in
 * Node.js, Java, C# and Go — extracted from docs/publisher-keys.md and run exactly as written — each
 * minting a token that logs a player in. A toolchain this machine lacks skips its row and says so.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { importPKCS8, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { main, newKey, signToken } from '#infra/cli/keys';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const DOC = readFileSync(join(ROOT, 'docs', 'publisher-keys.md'), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'pg-publisher-'));
const key = newKey(join(dir, 'keys'), 'pg-e2e-1');
const t = useGateway({ env: () => ({ PUBLISHER_KEYS: key.jwksFile }) });

/** The code between `<!-- mint-token-<lang>:start -->` and its end marker, without the fence. */
function snippet(lang: string): string {
  const m = new RegExp(`<!-- mint-token-${lang}:start -->\\n\`\`\`\\w+\\n([\\s\\S]*?)\`\`\`\\n<!-- mint-token-${lang}:end -->`).exec(DOC);
  if (!m) throw new Error(`docs/publisher-keys.md has no ${lang} snippet`);
  return m[1]!;
}

async function have(command: string): Promise<boolean> {
  return run('sh', ['-c', `command -v ${command}`]).then(
    () => true,
    () => false,
  );
}

const toolchains = { java: await have('java'), mono: (await have('mcs')) && (await have('mono')), go: await have('go') };
for (const [name, present] of Object.entries(toolchains))
  if (!present) console.warn(`test/e2e/publisherKeys.test.ts: no ${name} on this machine: its snippet is not run`);

const environment = () => ({ ...process.env, PLAYGUARD_PRIVATE_KEY: key.privateKeyFile, PLAYGUARD_KID: key.kid, PLAYGUARD_ISSUER: t.gateway.url });

/** Each language's program from the documentation: writes it, builds it when needed, and runs it with `args`. */
const programs: Record<string, (args: string[]) => Promise<string>> = {
  node: async (args) => {
    const file = join(dir, 'mint-token.mjs');
    writeFileSync(file, snippet('node'));
    return (await run(process.execPath, [file, ...args], { env: environment() })).stdout.trim();
  },
  java: async (args) => {
    const file = join(dir, 'MintToken.java');
    writeFileSync(file, snippet('java'));
    return (await run('java', [file, ...args], { env: environment(), timeout: HEAVY_TEST_MS })).stdout.trim();
  },
  csharp: async (args) => {
    const file = join(dir, 'MintToken.cs');
    const exe = join(dir, 'MintToken.exe');
    writeFileSync(file, snippet('csharp'));
    await run('mcs', ['-nologo', `-out:${exe}`, file], { timeout: HEAVY_TEST_MS });
    return (await run('mono', [exe, ...args], { env: environment(), timeout: HEAVY_TEST_MS })).stdout.trim();
  },
  go: async (args) => {
    const file = join(dir, 'mint_token.go');
    writeFileSync(file, snippet('go'));
    return (
      await run('go', ['run', file, ...args], { env: { ...environment(), GOCACHE: join(dir, 'gocache'), GOFLAGS: '-mod=mod' }, timeout: HEAVY_TEST_MS })
    ).stdout.trim();
  },
};

describe.skipIf(deployed)('publisher keys', () => {
  it('serves the OpenID configuration and the public keys, the gateway itself the issuer', async () => {
    const configuration = await t.api.call('GET', '/.well-known/openid-configuration');
    expect(configuration.status).toBe(200);
    expect(configuration.body).toMatchObject({
      issuer: t.gateway.url,
      jwks_uri: `${t.gateway.url}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
    });
    const jwks = await t.api.call('GET', '/.well-known/jwks.json');
    expect(jwks.headers.get('cache-control')).toBe('public, max-age=300');
    expect(jwks.body).toEqual({ keys: [{ kty: 'RSA', kid: 'pg-e2e-1', use: 'sig', alg: 'RS256', n: expect.any(String), e: 'AQAB' }] });
    expect(JSON.stringify(jwks.body)).not.toMatch(/"(d|p|q|dp|dq|qi)"/);
  });

  it.each([
    ['Node.js', 'node', true],
    ['Java', 'java', toolchains.java],
    ['C# (mcs and mono)', 'csharp', toolchains.mono],
    ['Go', 'go', toolchains.go],
  ] as const)(
    'the %s program in docs/publisher-keys.md mints a token that logs a player in',
    async (_name, lang, present) => {
      if (!present) return void console.warn(`skipped: no toolchain for ${lang}`);
      const account = `pk-${lang}`;
      const token = await programs[lang]!([account]);
      const [header, claims] = token
        .split('.')
        .slice(0, 2)
        .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) as Record<string, unknown>);
      expect(header).toEqual({ alg: 'RS256', typ: 'JWT', kid: 'pg-e2e-1' });
      expect(claims).toMatchObject({ iss: t.gateway.url, aud: 'playguard', sub: account, scope: 'player' });
      expect(Number(claims!.exp) - Number(claims!.iat)).toBe(3600);
      expect((await t.api.call('POST', '/v1/identity', { token, body: person('1990-05-05') })).status).toBe(200);
      const login = await t.api.call('POST', '/v1/sessions', { token, body: { deviceId: `${lang}-phone` } });
      expect([login.status, login.body.minor]).toEqual([201, false]);
    },
    HEAVY_TEST_MS,
  );

  it("the Node.js program's server token reserves a payment for an account (a game server's call)", async () => {
    const player = await programs.node!(['pk-payer']);
    expect((await t.api.call('POST', '/v1/identity', { token: player, body: person('1991-06-06') })).status).toBe(200);
    const server = await programs.node!(['game-server-1', 'server']);
    const r = await t.api.call('POST', '/v1/payments', { token: server, body: { orderId: 'pk-order-1', amount: 600, accountId: 'pk-payer' } });
    expect([r.status, r.body.status]).toEqual([201, 'reserved']);
  });

  it('npm run keys -- token mints the same kind of token', async () => {
    const token = await main(['token', '--key', key.privateKeyFile, '--issuer', t.gateway.url, '--sub', 'pk-cli']);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('1992-07-07') })).status).toBe(200);
  });

  it(
    'refuses a token naming another kid, signed with another key, for another issuer or audience (401), ' +
      'and an operator scope on every operator route (403)',
    async () => {
      const other = newKey(join(dir, 'other'), 'pg-other');
      const forged = await signToken({ key: other.privateKeyFile, kid: 'pg-e2e-1', issuer: t.gateway.url, sub: 'pk-forged' });
      const unknownKid = await signToken({ key: other.privateKeyFile, issuer: t.gateway.url, sub: 'pk-forged' });
      const elsewhere = await signToken({ key: key.privateKeyFile, issuer: 'https://playguard.mingyue-games.cn', sub: 'pk-forged' });
      const audience = await signToken({ key: key.privateKeyFile, issuer: t.gateway.url, sub: 'pk-forged', audience: 'playguard-console' });
      for (const token of [forged, unknownKid, elsewhere, audience]) expect((await t.api.call('GET', '/v1/identity', { token })).status).toBe(401);
      const now = Math.floor(Date.now() / 1000);
      const operator = await new SignJWT({ scope: 'operator' })
        .setProtectedHeader({ alg: 'RS256', kid: key.kid })
        .setIssuer(t.gateway.url)
        .setAudience('playguard')
        .setSubject('pk-staff')
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(await importPKCS8(readFileSync(key.privateKeyFile, 'utf8'), 'RS256'));
      for (const path of ['/v1/admin/dead-letters', '/v1/admin/calendar', '/v1/admin/stats?from=2026-12-01&to=2026-12-01']) {
        const r = await t.api.call('GET', path, { token: operator });
        expect([path, r.status, r.body.code]).toEqual([path, 403, 'forbidden']);
      }
    },
  );
});
