/**
 * The console's sign-in: OpenID Connect authorization code with PKCE against the staff issuer
 * (functions/console.ts serves where it is: /console/config.json), through oauth4webapi (the
 * certified client by the author of jose and oidc-provider: discovery, PKCE, state, the issuer
 * check of the answer, nonce and ID token claims). No token is ever typed or pasted: the access
 * token, for the operators' audience with scope `operator`, is kept in this tab's sessionStorage
 * only, with the operator's name from the ID token, until it expires or the operator signs out.
 */
import * as oauth from 'oauth4webapi';

export interface SignInConfig {
  issuer: string;
  clientId: string;
  audience: string;
  scope: string;
}

export interface Session {
  accessToken: string;
  expiresAt: number;
  name: string;
}

const PENDING = 'playguard.signIn';
const SESSION = 'playguard.operatorSession';

/** The console's own address is its redirect URI (the stack's ConsoleRedirectUri output). */
export const redirectUri = (): string => `${location.origin}/console`;

/** Plain HTTP only for a provider on this machine (the local runner's); deployed issuers are HTTPS. */
const loopback = (u: URL) => u.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname);

const isUri = (s: string) => /^[a-z][a-z0-9+.-]*:/i.test(s);

async function discover(config: SignInConfig) {
  const issuer = new URL(config.issuer);
  const options = loopback(issuer) ? { [oauth.allowInsecureRequests]: true } : {};
  const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...options }));
  return { as, options, client: { client_id: config.clientId } satisfies oauth.Client };
}

export async function config(): Promise<SignInConfig> {
  const res = await fetch('/console/config.json', { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`无法读取登录配置（${res.status}）`);
  return (await res.json()) as SignInConfig;
}

/** Sends the browser to the staff issuer's login page. */
export async function startSignIn(c: SignInConfig): Promise<void> {
  const { as } = await discover(c);
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, nonce }));
  const url = new URL(as.authorization_endpoint!);
  url.search = new URLSearchParams({
    client_id: c.clientId,
    redirect_uri: redirectUri(),
    response_type: 'code',
    scope: c.scope,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    // RFC 8707 names the access token's audience with an absolute URI; a plain audience such as
    // `playguard-console` is the provider's to put in (its client or API settings).
    ...(isUri(c.audience) ? { resource: c.audience } : {}),
  }).toString();
  location.assign(url.href);
}

/** On the way back from the staff issuer (`?code=…&state=…`): the session, or null when this is no answer. */
export async function finishSignIn(c: SignInConfig): Promise<Session | null> {
  const here = new URL(location.href);
  if (!here.searchParams.has('state') && !here.searchParams.has('error')) return null;
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; nonce: string } | null;
  sessionStorage.removeItem(PENDING);
  // The code is single-use: never leave it in the address bar or the history.
  history.replaceState(null, '', here.pathname);
  if (!pending) throw new Error('登录已过期或来自其他标签页，请重新登录。');
  const { as, options, client } = await discover(c);
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, here, pending.state);
  } catch (error) {
    const e = error as { error?: string; error_description?: string };
    throw new Error(e.error ? `身份提供方拒绝了登录：${e.error_description ?? e.error}` : '登录回应无效，请重新登录。');
  }
  const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri(), pending.verifier, {
    ...(isUri(c.audience) ? { additionalParameters: { resource: c.audience } } : {}),
    ...options,
  });
  const result = await oauth.processAuthorizationCodeResponse(as, client, response, { expectedNonce: pending.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(result);
  const session: Session = {
    accessToken: result.access_token,
    expiresAt: Date.now() + (result.expires_in ?? 3600) * 1000,
    name: String(claims?.name ?? claims?.preferred_username ?? claims?.sub ?? ''),
  };
  sessionStorage.setItem(SESSION, JSON.stringify(session));
  return session;
}

/** The signed-in session, while its access token lasts. */
export function currentSession(): Session | null {
  const session = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null') as Session | null;
  if (session && session.expiresAt <= Date.now()) {
    sessionStorage.removeItem(SESSION);
    return null;
  }
  return session;
}

export function forgetSession(): void {
  sessionStorage.removeItem(SESSION);
}
