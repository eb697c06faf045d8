/** Health and the OpenAPI document: no auth, no storage. */
import { openApiDocument } from '#shared/api/openapi';
import { httpFunction } from '#shared/http/api';

let document: unknown;

export const handler = httpFunction({
  health: async () => ({ status: 200, body: { status: 'ok' } }),
  openapi: async () => ({ status: 200, body: (document ??= openApiDocument()) }),
});
