/**
 * The local staff identity provider: a real OpenID Connect provider (`oidc-provider`, the certified
 * implementation by the author of jose) mounted at `<gateway>/__staff`, so that the console signs in
 * locally exactly as deployed — authorization code with PKCE, a login page, an access token for the
 * operators' audience with scope `operator` — against one development staff user.
 *
 * Local only: nothing under functions/ or shared/ imports it, so no Lambda bundle carries it
 * (test/unit/functionBundles.test.ts checks), and it is loaded on the first `/__staff` request only.
 * It signs with the development key (infra/local/devAuth.ts), whose public half the runner's staff
 * authorizer already trusts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JWK } from 'jose';

export const STAFF_PATH = '/__staff';
export const CONSOLE_CLIENT_ID = 'playguard-console';
export const OPERATOR_AUDIENCE = 'playguard-console';
const OPERATORS_RESOURCE = 'urn:playguard:operators';

/** The development staff user (`STAFF_USER` / `STAFF_PASSWORD` override the defaults). */
export const DEV_STAFF_USER = { accountId: 'staff-dev', login: 'staff', password: 'playguard', name: '开发运营' };

export interface StaffIdp {
  issuer: string;
  /** Answers a request under /__staff (the provider's endpoints and its login page). */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid: string, error = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<link rel="icon" href="data:,"><title>员工登录 · PlayGuard 本地身份提供方</title>
<style>body{font:16px/1.5 system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin-top:1rem;padding:.5rem 1.4rem;font:inherit}.error{color:#b42318}.note{color:#52606d;font-size:.9rem}</style></head>
<body><h1>员工登录</h1><p class="note">PlayGuard 本地员工身份提供方（仅本机开发使用）。Local staff sign-in for development only.</p>
${error ? `<p class="error" id="error">${esc(error)}</p>` : ''}
<form method="post" action="${STAFF_PATH}/interaction/${esc(uid)}/login">
<label for="login">账号 Login</label><input id="login" name="login" autocomplete="username" required autofocus>
<label for="password">密码 Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">登录</button></form></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > 8192) reject(new Error('form too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The provider for a gateway at `gatewayUrl`: issuer `<gatewayUrl>/__staff`, one public client (the
 * console, redirect `<gatewayUrl>/console`), access tokens as RS256 JWTs for the operators' audience.
 */
export async function createStaffIdp(gatewayUrl: string, signingKey: JWK, env: NodeJS.ProcessEnv = process.env): Promise<StaffIdp> {
  const { Provider, errors } = await import('oidc-provider');
  // Its start-up advice (a persistent adapter) is for production servers; this one lives as long as `npm start`.
  const warn = console.warn;
  console.warn = () => undefined;
  const user = { ...DEV_STAFF_USER, login: env.STAFF_USER || DEV_STAFF_USER.login, password: env.STAFF_PASSWORD || DEV_STAFF_USER.password };
  const issuer = `${gatewayUrl}${STAFF_PATH}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CONSOLE_CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: ['authorization_code'],
        response_types: ['code'],
        redirect_uris: [`${gatewayUrl}/console`],
      },
    ],
    jwks: { keys: [{ ...signingKey, use: 'sig' }] },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    pkce: { required: () => true },
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile'],
    // The console's access token: a JWT for the operators' audience, scope `operator` — what the staff
    // authorizer checks (contract: *Operators*).
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // A resource indicator is an absolute URI (RFC 8707); the token's `aud` is the audience below.
        defaultResource: () => OPERATORS_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== OPERATORS_RESOURCE) throw new errors.InvalidTarget();
          return { scope: 'operator', audience: OPERATOR_AUDIENCE, accessTokenTTL: 3600, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${STAFF_PATH}/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => (sub === user.accountId ? { accountId: sub, claims: async () => ({ sub, name: user.name }) } : undefined),
    // Discovery and the token endpoint answer the console's origin (a deployed staff provider must too).
    clientBasedCORS: () => true,
    // The operator's name in the ID token, as most staff providers put it (the console shows it).
    conformIdTokenClaims: false,
    ttl: { Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600, IdToken: 3600, AuthorizationCode: 60 },
  });
  console.warn = warn;
  provider.on('server_error', (_ctx, error) => console.error(`staff identity provider: ${error.message}`));
  const callback = provider.callback();

  /** The first-party console needs no consent screen: grant what it asked for. */
  const grantConsent = async (req: IncomingMessage, res: ServerResponse) => {
    const details = await provider.interactionDetails(req, res);
    const accountId = details.session?.accountId;
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: accountId!, clientId: String(details.params.client_id) });
    const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    if (missing.missingOIDCScope) grant!.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant!.addOIDCClaims(missing.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant!.addResourceScope(indicator, scopes.join(' '));
    const grantId = await grant!.save();
    await provider.interactionFinished(req, res, { consent: details.grantId ? {} : { grantId } }, { mergeWithLastSubmission: true });
  };

  const html = (res: ServerResponse, status: number, body: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'x-frame-options': 'DENY' });
    res.end(body);
  };

  return {
    issuer,
    handle: async (req, res) => {
      const url = new URL(req.url ?? '/', gatewayUrl);
      const interaction = /^\/__staff\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
      if (interaction) {
        const [, uid, login] = interaction;
        try {
          if (!login && req.method === 'GET') {
            const details = await provider.interactionDetails(req, res);
            if (details.prompt.name === 'consent') return await grantConsent(req, res);
            return html(res, 200, loginPage(uid!));
          }
          if (login && req.method === 'POST') {
            const form = await readForm(req);
            if (!same(form.get('login') ?? '', user.login) || !same(form.get('password') ?? '', user.password))
              return html(res, 200, loginPage(uid!, '账号或密码不正确。 Wrong login or password.'));
            return await provider.interactionFinished(req, res, { login: { accountId: user.accountId } }, { mergeWithLastSubmission: false });
          }
        } catch (error) {
          // An expired or unknown interaction (a login page left open too long): start again from the console.
          return html(
            res,
            400,
            `<!doctype html><meta charset="utf-8"><p>登录已过期，请回到控制台重新登录。 The sign-in expired: start again from the ` +
              `console.</p><p class="note">${esc((error as Error).message)}</p>`,
          );
        }
        res.writeHead(405).end();
        return;
      }
      // Mounted as express mounts it: the provider sees its own paths, and the prefix in originalUrl.
      (req as IncomingMessage & { originalUrl?: string }).originalUrl = req.url;
      req.url = (req.url ?? '/').slice(STAFF_PATH.length) || '/';
      await callback(req, res);
    },
  };
}
