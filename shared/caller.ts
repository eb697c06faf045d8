/**
 * Who is calling: the game account (the token's `sub`), the kind of credential (the token's
 * `scope`: `server` marks a game server, `operator` compliance staff, anything else a player) and the game it is for (the
 * token's `game` claim, resolved against the configured games: shared/settings.ts `games()`). The
 * HTTP edge builds it from the claims API Gateway's JWT authorizer passes; every layer may take it
 * without the edge.
 */
import { Problem } from '#shared/problem';

export interface Caller {
  accountId: string;
  /** `server` scope: a game server; `operator` scope: compliance staff; anything else: a player. */
  kind: 'player' | 'server' | 'operator';
  /** A configured game's id, always: the token's `game`, or the first configured game when it names none. */
  gameId: string;
}

/**
 * The configured game `gameId` names; undefined names the first configured game (a token without a
 * `game` claim, a single-game deployment's tokens). An id no configured game has is refused with
 * 403 `unknown_game`: a deployment reports only games registered under its bizIds.
 */
export function configuredGame(gameId: string | undefined, configured: ReadonlyArray<{ gameId: string }>): string {
  if (gameId === undefined) return configured[0]!.gameId;
  if (!configured.some((g) => g.gameId === gameId)) throw new Problem('unknown_game');
  return gameId;
}
