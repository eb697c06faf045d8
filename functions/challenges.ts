/** POST /v1/challenges/{challengeId}/result — the game server's verdict (docs/api.md). */
import { challengesRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { resolveChallenge } from '#shared/usecases/challenges';
import { challengeDeps } from '#shared/services';

export const handler = httpFunction(challengesRoutes, {
  challengeResult: async (req) => ({ status: 200, body: await resolveChallenge(await challengeDeps(), req.params.challengeId, req.body, req.nowMs) }),
});
