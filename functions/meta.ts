/** Health, the OpenAPI document, the configured games and the publisher's keys: no auth, no storage. */
import { openApiDocument } from '#shared/api/openapi';
import { metaRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { Problem } from '#shared/problem';
import { games, parseSettings, PublisherKeysSettings } from '#shared/settings';

let document: ReturnType<typeof openApiDocument> | undefined;

/** Read at each request (a few hundred bytes): the local runner sets them once it knows its own URL. */
function publisherKeys(): { issuer: string; jwks: NonNullable<PublisherKeysSettings['PUBLISHER_JWKS']> } {
  const s = parseSettings(PublisherKeysSettings, process.env);
  if (!s.PUBLISHER_ISSUER || !s.PUBLISHER_JWKS) throw new Problem('not_found');
  return { issuer: s.PUBLISHER_ISSUER, jwks: s.PUBLISHER_JWKS };
}

// API Gateway reads these when it starts trusting the keys and again from time to time; a rotated key
// is served within minutes of a deploy.
const CACHE = { 'cache-control': 'public, max-age=300' };

export const handler = httpFunction(metaRoutes, {
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: (document ??= openApiDocument()) }),
  // Only what a client may show: bizIds and play policies stay with the operator (shared/settings.ts).
  listGames: async () => ({ status: 200, body: { games: games().map((g) => ({ gameId: g.gameId, name: g.name, ageRating: g.ageRating })) } }),
  openidConfiguration: async () => {
    const { issuer } = publisherKeys();
    const base = issuer.replace(/\/+$/, '');
    return {
      status: 200,
      headers: CACHE,
      body: {
        issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        // The game server signs tokens itself: there is no authorization endpoint to send anyone to.
        response_types_supported: ['id_token'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        claims_supported: ['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'scope', 'game'],
      },
    };
  },
  publisherJwks: async () => ({ status: 200, headers: CACHE, body: publisherKeys().jwks }),
});
