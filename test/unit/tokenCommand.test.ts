/**
 * Deployed-mode tokens (`PLAYGUARD_TOKEN_COMMAND`): the command gets the account and scope in
 * `PLAYGUARD_SUB` / `PLAYGUARD_SCOPE` (and a game in `PLAYGUARD_GAME` when a test asks for one), its
 * trimmed output is the token, it runs once per account and scope, and output that is not a JWT
 * fails naming the account.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandTokens } from '#test/support/gateway';

describe('PLAYGUARD_TOKEN_COMMAND', () => {
  it('passes the account and scope, and returns the trimmed output', async () => {
    const tokens = commandTokens(`printf '  %s.%s.c2ln\\n' "$PLAYGUARD_SUB" "$PLAYGUARD_SCOPE"`);
    expect(await tokens('acct-1', 'server')).toBe('acct-1.server.c2ln');
    expect(await tokens('acct-2', 'player')).toBe('acct-2.player.c2ln');
  });

  it('runs once per account and scope', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'calls');
    const tokens = commandTokens(`echo "$PLAYGUARD_SUB $PLAYGUARD_SCOPE" >> ${log}; echo h.p.s`);
    await Promise.all([tokens('a', 'player'), tokens('a', 'player'), tokens('a', 'server'), tokens('b', 'player')]);
    await tokens('a', 'player');
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['a player', 'a server', 'b player']);
  });

  it('passes a requested game in PLAYGUARD_GAME (unset otherwise), once per account, scope and game', async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'tokens-')), 'calls');
    const tokens = commandTokens(`echo "$PLAYGUARD_SUB \${PLAYGUARD_GAME-none}" >> ${log}; printf '%s.%s.c2ln' "$PLAYGUARD_SUB" "\${PLAYGUARD_GAME-none}"`);
    expect(await tokens('a', 'player', 'g-two')).toBe('a.g-two.c2ln');
    expect(await tokens('a', 'player')).toBe('a.none.c2ln');
    await tokens('a', 'player', 'g-two');
    expect(readFileSync(log, 'utf8').split('\n').filter(Boolean).sort()).toEqual(['a g-two', 'a none']);
  });

  it('fails naming the account when the command prints no token', async () => {
    await expect(commandTokens('echo "401 Unauthorized" >&2; exit 0')('acct-9', 'player')).rejects.toThrow(
      'PLAYGUARD_TOKEN_COMMAND printed no token for sub acct-9 (scope player): 401 Unauthorized',
    );
    await expect(commandTokens('exit 3')('acct-9', 'player')).rejects.toThrow();
  });
});
