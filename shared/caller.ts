/**
 * Who is calling: the game account (the token's `sub`) and the kind of credential (the token's
 * `scope`: `server` marks a game server, anything else a player). The HTTP edge builds it from the
 * claims API Gateway's JWT authorizer passes; every layer may take it without the edge.
 */
export interface Caller {
  accountId: string;
  kind: 'player' | 'server';
}
