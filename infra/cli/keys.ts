/**
 * `npm run keys -- <command>`: the publisher's own signing keys, for a studio without an OpenID
 * provider (the contract's "Publisher keys"; docs/publisher-keys.md).
 *
 *   new    [--dir publisher-keys] [--kid ID]   a new RS256 key pair: the private key in <dir>/<kid>.private.pem
 *                                             (PKCS#8, mode 600, for the game server), its public half added to
 *                                             <dir>/jwks.json (what is deployed); prints the context to deploy with
 *   retire --kid ID [--dir publisher-keys]     removes a key from jwks.json (after the game servers stopped using it)
 *   token  --key FILE --issuer URL --sub ID    a token signed with a private key (a deployment's smoke test, or
 *          [--scope player|server] [--game G]  PLAYGUARD_TOKEN_COMMAND for npm run test:deployed)
 *          [--audience playguard] [--ttl 3600] [--kid ID]
 */
import { createPrivateKey, generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { MAX_PUBLISHER_KEYS, publicJwks, publisherKeysProblems, type PublicJwks } from '#infra/publisherKeys';
import { DEFAULT_PUBLISHER_AUDIENCE } from '#infra/context';

export const DEFAULT_KEY_DIR = 'publisher-keys';
export const JWKS_FILE = 'jwks.json';
const PRIVATE_SUFFIX = '.private.pem';

export class KeysCommandError extends Error {}

function readJwks(file: string): PublicJwks {
  if (!existsSync(file)) return { keys: [] };
  const document = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const problems = publisherKeysProblems(document);
  if (problems.length) throw new KeysCommandError(`${file} ${problems.join('; ')}`);
  return publicJwks(document as PublicJwks);
}

export interface NewKey {
  kid: string;
  privateKeyFile: string;
  jwksFile: string;
  keys: number;
}

/** A new key pair: the private key alone in its file (mode 600), the public half added to the JWKS. */
export function newKey(
  dir = DEFAULT_KEY_DIR,
  kid = `pg-${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`,
): NewKey {
  const jwksFile = join(dir, JWKS_FILE);
  const jwks = readJwks(jwksFile);
  if (jwks.keys.some((k) => k.kid === kid)) throw new KeysCommandError(`${jwksFile} already has a key ${kid}`);
  if (jwks.keys.length >= MAX_PUBLISHER_KEYS)
    throw new KeysCommandError(`${jwksFile} has ${jwks.keys.length} keys already: retire one first (npm run keys -- retire --kid …)`);
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = publicKey.export({ format: 'jwk' });
  const next = publicJwks({ keys: [...jwks.keys, { ...jwk, kid }] } as never);
  const problems = publisherKeysProblems(next);
  if (problems.length) throw new KeysCommandError(problems.join('; '));
  mkdirSync(dir, { recursive: true });
  // The private key must never be committed next to the public JWKS that is.
  if (!existsSync(join(dir, '.gitignore'))) writeFileSync(join(dir, '.gitignore'), `*${PRIVATE_SUFFIX}\n`);
  const privateKeyFile = join(dir, `${kid}${PRIVATE_SUFFIX}`);
  writeFileSync(privateKeyFile, privateKey.export({ format: 'pem', type: 'pkcs8' }) as string, { mode: 0o600, flag: 'wx' });
  writeFileSync(jwksFile, `${JSON.stringify(next, null, 2)}\n`);
  return { kid, privateKeyFile, jwksFile, keys: next.keys.length };
}

/** Removes a key from the JWKS (its private key file is left for the publisher to destroy). */
export function retireKey(dir: string, kid: string): PublicJwks {
  const jwksFile = join(dir, JWKS_FILE);
  const jwks = readJwks(jwksFile);
  if (!jwks.keys.some((k) => k.kid === kid))
    throw new KeysCommandError(`${jwksFile} has no key ${kid} (it has ${jwks.keys.map((k) => k.kid).join(', ') || 'none'})`);
  if (jwks.keys.length === 1) throw new KeysCommandError(`${kid} is the only key in ${jwksFile}: add its successor first (npm run keys -- new)`);
  const next = { keys: jwks.keys.filter((k) => k.kid !== kid) };
  writeFileSync(jwksFile, `${JSON.stringify(next, null, 2)}\n`);
  return next;
}

export interface TokenOptions {
  key: string;
  issuer: string;
  sub: string;
  scope?: 'player' | 'server';
  game?: string;
  audience?: string;
  ttlSeconds?: number;
  kid?: string;
}

/** A token as the game server would mint it (docs/publisher-keys.md). */
export async function signToken(o: TokenOptions, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
  const kid = o.kid ?? basename(o.key).replace(PRIVATE_SUFFIX, '');
  const privateKey = createPrivateKey(readFileSync(o.key, 'utf8'));
  return new SignJWT({ scope: o.scope ?? 'player', ...(o.game ? { game: o.game } : {}) })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(o.issuer)
    .setAudience(o.audience ?? DEFAULT_PUBLISHER_AUDIENCE)
    .setSubject(o.sub)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + (o.ttlSeconds ?? 3600))
    .sign(privateKey);
}

function newKeyReport(k: NewKey): string {
  return `New publisher key ${k.kid}
  private key: ${k.privateKeyFile}
      keep it on your game or account server only (a secret store, mode 600); never commit or deploy it
  public keys: ${k.jwksFile} (${k.keys} key${k.keys === 1 ? '' : 's'}): deploy this file

Deploy with (the staff issuer is your staff identity provider, see docs/deploy-china.md):
  npx cdk deploy -c playguard:publisherKeys=${k.jwksFile} -c playguard:operatorIssuer=https://<your staff identity provider>
or put it in cdk.json:
  "playguard:publisherKeys": "${k.jwksFile}"

Sign player and game-server tokens on your server with RS256 and header kid "${k.kid}":
  iss  the stack's PlayerTokenIssuer output (the API's URL, or https://<playguard:domainName>)
  aud  "${DEFAULT_PUBLISHER_AUDIENCE}" (or playguard:audience)
  sub  the game account id; exp (at most a day ahead); scope "server" for a game server; game for a game other than the first
Code for Node.js, Go, Java and C#: docs/publisher-keys.md.${k.keys > 1 ? `\nRotation: deploy first, then switch the servers to ${k.kid}, then npm run keys -- retire --kid <the old one> and deploy again.` : ''}`;
}

export async function main(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      dir: { type: 'string', default: DEFAULT_KEY_DIR },
      kid: { type: 'string' },
      key: { type: 'string' },
      issuer: { type: 'string' },
      sub: { type: 'string' },
      scope: { type: 'string', default: 'player' },
      game: { type: 'string' },
      audience: { type: 'string', default: DEFAULT_PUBLISHER_AUDIENCE },
      ttl: { type: 'string', default: '3600' },
    },
    strict: true,
  });
  if (command === 'new') return newKeyReport(newKey(values.dir, values.kid));
  if (command === 'retire') {
    if (!values.kid) throw new KeysCommandError('retire needs --kid');
    const left = retireKey(values.dir, values.kid);
    return `Removed ${values.kid} from ${join(values.dir, JWKS_FILE)} (left: ${left.keys.map((k) => k.kid).join(', ')}). Deploy, then destroy its private key.`;
  }
  if (command === 'token') {
    if (!values.key || !values.issuer || !values.sub) throw new KeysCommandError('token needs --key, --issuer and --sub');
    if (values.scope !== 'player' && values.scope !== 'server')
      throw new KeysCommandError('--scope is player or server (operators sign in at the staff issuer)');
    const ttl = Number(values.ttl);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new KeysCommandError('--ttl is 1–86400 seconds');
    return signToken({
      key: values.key,
      issuer: values.issuer,
      sub: values.sub,
      scope: values.scope,
      audience: values.audience,
      ttlSeconds: ttl,
      ...(values.game ? { game: values.game } : {}),
      ...(values.kid ? { kid: values.kid } : {}),
    });
  }
  throw new KeysCommandError(
    'usage: npm run keys -- new [--dir DIR] [--kid ID] | retire --kid ID [--dir DIR] | token --key FILE ' +
      '--issuer URL --sub ID [--scope player|server] [--game G] [--audience A] [--ttl S]',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (out) => console.log(out),
    (error: unknown) => {
      console.error(error instanceof KeysCommandError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? (error as Error).message : error);
      process.exit(1);
    },
  );
}
