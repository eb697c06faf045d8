/** Health, the OpenAPI document and the configured games: no auth, no storage. */
import { openApiDocument } from '#shared/api/openapi';
import { metaRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/http/api';
import { games } from '#shared/settings';

let document: unknown;

export const handler = httpFunction(metaRoutes, {
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: (document ??= openApiDocument()) }),
  // Only what a client may show: bizIds and play policies stay with the operator (shared/settings.ts).
  listGames: async () => ({ status: 200, body: { games: games().map((g) => ({ gameId: g.gameId, name: g.name, ageRating: g.ageRating })) } }),
});
