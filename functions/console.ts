/**
 * GET /console and GET /console/{asset} — the operators' web console, static files built by
 * `npm run console:build` into shared/console/assets.ts. Public like any web page: every figure it
 * shows comes from the operator endpoints, which need the operator token the page is given.
 */
import { consoleRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/http/api';
import { Problem } from '#shared/problem';
import { CONSOLE_ASSETS } from '#shared/console/assets';

/** The page talks only to this origin; the annual report's inline styles render in its frame. */
const SECURITY = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function file(name: string, cache: string) {
  const asset = Object.hasOwn(CONSOLE_ASSETS, name) ? CONSOLE_ASSETS[name] : undefined;
  if (!asset) throw new Problem('not_found');
  return { status: 200, raw: { body: asset.body }, headers: { 'content-type': asset.type, 'cache-control': cache, ...SECURITY } };
}

export const handler = httpFunction(consoleRoutes, {
  consoleIndex: async () => file('index.html', 'no-cache'),
  // Files are addressed with the build's hash (index.html), so a cached copy is never stale.
  consoleAsset: async (req) => (req.params.asset === 'index.html' ? file('index.html', 'no-cache') : file(req.params.asset, 'public, max-age=86400')),
});
