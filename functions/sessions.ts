/** Sessions, heartbeats, logout and GET /v1/limits (docs/api.md). */
import { sessionsRoutes } from '#shared/api/routes';
import { httpFunction } from '#shared/edge/http';
import { endSession, heartbeat, startSession } from '#shared/sessions/service';
import { readLimits } from '#shared/usecases/limits';
import { sessionDeps, spendingDeps } from '#shared/services';

export const handler = httpFunction(sessionsRoutes, {
  startSession: async (req) => ({ status: 201, body: await startSession(await sessionDeps(), req.caller.accountId, req.caller.gameId, req.body, req.nowMs) }),
  heartbeat: async (req) => ({ status: 200, body: await heartbeat(await sessionDeps(), req.caller.accountId, req.params.sessionId, req.body.seq, req.nowMs) }),
  endSession: async (req) => {
    await endSession(await sessionDeps(), req.caller.accountId, req.params.sessionId, req.nowMs);
    return { status: 204 };
  },
  readLimits: async (req) => ({
    status: 200,
    body: await readLimits(await sessionDeps(), await spendingDeps(), req.caller.accountId, req.caller.gameId, req.nowMs),
  }),
});
