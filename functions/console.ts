/**
 * GET /console and GET /console/{asset} — the operators' web console, static files built by
 * `npm run console:build` into console/assets.ts, and `config.json`: where operators sign in
 * (the staff issuer, the console's client id there, the audience and scope it asks for). Public like
 * any web page: every figure it shows comes from the operator endpoints, which take only the staff
 * issuer's tokens.
 */
import { consoleRoutes } from '#shared/api/routes';
import { httpFunction, type ReplyFor } from '#shared/edge/http';
import { Problem } from '#shared/problem';
import { OperatorSignInSettings, parseSettings } from '#shared/settings';
import { CONSOLE_ASSETS } from '#console/assets';

/** The scope the console asks the staff issuer for: `operator` is what the admin routes require; `profile` gives the operator's name. */
export const CONSOLE_SCOPE = 'openid profile operator';

/** Read at each request (the local runner sets them once its own URL is known). */
const signIn = () => parseSettings(OperatorSignInSettings, process.env);

/**
 * The page talks to this origin and to the staff issuer (discovery and the token endpoint, which
 * must allow this origin: CORS); the annual report's inline styles render in its frame.
 */
function security(): Record<string, string> {
  const issuerOrigin = new URL(signIn().OPERATOR_ISSUER).origin;
  return {
    'content-security-policy':
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; ` +
      `connect-src 'self' ${issuerOrigin}; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

const served = (asset: { type: string; body: string }, cache: string) => ({
  status: 200 as const,
  raw: { body: asset.body },
  headers: { 'content-type': asset.type, 'cache-control': cache, ...security() },
});

/** The page itself: always built (test/unit/consoleAssets.test.ts). */
const page = () => served(CONSOLE_ASSETS['index.html']!, 'no-cache');

function file(name: string, cache: string): ReplyFor<'consoleAsset'> {
  if (name === 'config.json') {
    const s = signIn();
    return {
      status: 200,
      body: { issuer: s.OPERATOR_ISSUER, clientId: s.OPERATOR_CLIENT_ID, audience: s.OPERATOR_AUDIENCE, scope: CONSOLE_SCOPE },
      headers: { 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' },
    };
  }
  const asset = Object.hasOwn(CONSOLE_ASSETS, name) ? CONSOLE_ASSETS[name] : undefined;
  if (!asset) throw new Problem('not_found');
  return served(asset, cache);
}

export const handler = httpFunction(consoleRoutes, {
  consoleIndex: async () => page(),
  // Files are addressed with the build's hash (index.html), so a cached copy is never stale.
  consoleAsset: async (req) => (req.params.asset === 'index.html' ? page() : file(req.params.asset, 'public, max-age=86400')),
});
