/**
 * One deployment, several games (docs/deploy.md "Games"): the configured games over HTTP, the token's
 * `game` claim, and the game of a payment reservation.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '#shared/storage/dynamo';
import { orderKey } from '#shared/storage/keys';
import { orderFromItem } from '#shared/spending/repository';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.GAMES = JSON.stringify([
  { gameId: 'g-main', bizId: '1101999999', name: '主游戏', ageRating: 16 },
  { gameId: 'g-two', bizId: '1101999998', name: 'Second game' },
]);
const t = useGateway();

const UNKNOWN_GAME = {
  type: 'urn:playguard:problem:unknown_game',
  title: 'Unknown game',
  status: 403,
  detail: '该游戏未在本服务中登记。',
  code: 'unknown_game',
};

describe('GET /v1/games', () => {
  it('answers without a credential, every game with its id, name and age rating', async () => {
    const r = await t.api.call('GET', '/v1/games');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    for (const g of r.body.games) expect(Object.keys(g).sort()).toEqual(['ageRating', 'gameId', 'name']);
  });

  it.skipIf(deployed)('lists exactly the configured games, in order, and nothing else of their configuration', async () => {
    const r = await t.api.call('GET', '/v1/games');
    expect(r.body).toEqual({
      games: [
        { gameId: 'g-main', name: '主游戏', ageRating: 16 },
        { gameId: 'g-two', name: 'Second game', ageRating: null },
      ],
    });
  });
});

// Local-only: the games are the in-process gateway's (GAMES above), the tokens the development key's,
// and the stored orders are read from its table.
describe.skipIf(deployed)('the game of a request', () => {
  let db: ReturnType<typeof createDocumentClient>;
  beforeAll(async () => {
    db = createDocumentClient({ endpoint: t.gateway.dynamoEndpoint, region: 'local' });
    await t.api.setClock('2026-10-14T10:00:00+08:00');
  });
  const storedOrder = async (orderId: string) =>
    (await db.send(new GetCommand({ TableName: t.gateway.tableName, Key: orderKey(orderId), ConsistentRead: true }))).Item;
  const verified = async (sub: string, birthDate = '1990-01-01', who = person(birthDate), game?: string) => {
    const token = await t.api.token(sub, 'player', game);
    expect((await t.api.call('POST', '/v1/identity', { token, body: who })).status).toBe(200);
    return token;
  };
  const reserve = (token: string, body: Record<string, unknown>) =>
    t.api.call('POST', '/v1/payments', { token, body: { orderId: randomUUID(), amount: 600, ...body } });

  it("/__dev/tokens puts any game in the token's `game` claim, and refuses an empty or over-long one", async () => {
    for (const game of ['g-two', 'no-such-game']) {
      const r = await t.api.call('POST', '/__dev/tokens', { body: { sub: 'p-claim', game } });
      expect(r.status).toBe(200);
      expect(JSON.parse(Buffer.from(r.body.token.split('.')[1], 'base64url').toString())).toMatchObject({ sub: 'p-claim', scope: 'player', game });
    }
    const none = await t.api.call('POST', '/__dev/tokens', { body: { sub: 'p-claim' } });
    expect(JSON.parse(Buffer.from(none.body.token.split('.')[1], 'base64url').toString())).not.toHaveProperty('game');
    for (const game of ['', 'g'.repeat(65), 7]) {
      const r = await t.api.call('POST', '/__dev/tokens', { body: { sub: 'p-claim', game } });
      expect(r.status, JSON.stringify(game)).toBe(400);
      expect(r.body.errors[0].path).toBe('game');
    }
  });

  it('refuses a token whose game is not configured with 403 unknown_game on identity and payments', async () => {
    const player = await t.api.token('p-elsewhere', 'player', 'g-elsewhere');
    const server = await t.api.token('gs-elsewhere', 'server', 'g-elsewhere');
    const identity = await t.api.call('POST', '/v1/identity', { token: player, body: person('1990-01-01') });
    expect(identity.status).toBe(403);
    expect(identity.headers.get('content-type')).toBe('application/problem+json');
    expect(identity.body).toEqual(UNKNOWN_GAME);
    expect((await reserve(player, {})).body).toEqual(UNKNOWN_GAME);
    expect((await reserve(server, { accountId: 'p-elsewhere', gameId: 'g-main' })).body).toEqual(UNKNOWN_GAME);
    expect((await t.api.call('GET', '/v1/limits', { token: player })).body).toEqual(UNKNOWN_GAME);
    // Ids are compared exactly.
    expect((await reserve(await t.api.token('p-elsewhere', 'player', 'G-MAIN'), {})).body).toEqual(UNKNOWN_GAME);
  });

  it("takes a token without a game as the first game's, and a token's game as its own", async () => {
    const first = await verified('p-first');
    const r = await reserve(first, { orderId: 'o-first-game' });
    expect(r.status).toBe(201);
    expect((await storedOrder('o-first-game'))?.gameId).toBe('g-main');

    const second = await verified('p-second', '1990-01-01', person('1990-01-01'), 'g-two');
    expect((await reserve(second, { orderId: 'o-second-game' })).status).toBe(201);
    expect((await storedOrder('o-second-game'))?.gameId).toBe('g-two');
    // Naming its own game is the same as naming none.
    expect((await reserve(second, { orderId: 'o-second-named', gameId: 'g-two' })).status).toBe(201);
    expect((await storedOrder('o-second-named'))?.gameId).toBe('g-two');
  });

  it('lets a game server reserve for any configured game, the first by default, and refuses an unconfigured one', async () => {
    await verified('p-served');
    const server = await t.api.token('gs-1', 'server');
    expect((await reserve(server, { accountId: 'p-served', orderId: 'o-served-two', gameId: 'g-two' })).status).toBe(201);
    expect((await storedOrder('o-served-two'))?.gameId).toBe('g-two');
    expect((await reserve(server, { accountId: 'p-served', orderId: 'o-served-default' })).status).toBe(201);
    expect((await storedOrder('o-served-default'))?.gameId).toBe('g-main');

    const unknown = await reserve(server, { accountId: 'p-served', orderId: 'o-served-unknown', gameId: 'g-nope' });
    expect(unknown.status).toBe(403);
    expect(unknown.body).toEqual(UNKNOWN_GAME);
    expect(await storedOrder('o-served-unknown')).toBeUndefined();
    // The server token's own game does not limit which game it names.
    const serverOfTwo = await t.api.token('gs-2', 'server', 'g-two');
    expect((await reserve(serverOfTwo, { accountId: 'p-served', orderId: 'o-served-main', gameId: 'g-main' })).status).toBe(201);
    expect((await storedOrder('o-served-main'))?.gameId).toBe('g-main');
  });

  it("refuses a player naming a game other than its token's with 403 forbidden, configured or not", async () => {
    const token = await verified('p-other-game');
    for (const gameId of ['g-two', 'g-nope']) {
      const r = await reserve(token, { orderId: `o-other-${gameId}`, gameId });
      expect(r.status).toBe(403);
      expect(r.body).toEqual({ type: 'urn:playguard:problem:forbidden', title: 'Forbidden', status: 403, detail: '无权执行此操作。', code: 'forbidden' });
      expect(await storedOrder(`o-other-${gameId}`)).toBeUndefined();
    }
  });

  it("reads an order stored before games existed (no gameId) as the game `default`'s, and still replays and commits it", async () => {
    const token = await verified('p-legacy');
    const first = await reserve(token, { orderId: 'o-legacy' });
    expect(first.status).toBe(201);
    await db.send(new UpdateCommand({ TableName: t.gateway.tableName, Key: orderKey('o-legacy'), UpdateExpression: 'REMOVE gameId' }));
    const legacy = (await storedOrder('o-legacy'))!;
    expect(legacy).not.toHaveProperty('gameId');
    expect(orderFromItem(legacy).gameId).toBe('default');
    // The replay and the commit read the stored order: without the default they would fail (500).
    const replay = await reserve(token, { orderId: 'o-legacy' });
    expect(replay.status).toBe(201);
    expect(replay.body).toEqual(first.body);
    expect((await t.api.call('POST', '/v1/payments/o-legacy/commit', { token })).body).toEqual({ orderId: 'o-legacy', status: 'committed' });
  });

  it("counts a minor's spending per person across the games (50 CNY a day and 200 CNY a month for ages 8–15)", async () => {
    const who = person('2012-02-02');
    const inMain = await verified('p-minor-main', '2012-02-02', who);
    const inTwo = await verified('p-minor-two', '2012-02-02', who, 'g-two');
    expect((await reserve(inMain, { amount: 5000 })).status).toBe(201);
    expect((await reserve(inTwo, { amount: 1 })).body).toMatchObject({
      code: 'spending_limit_exceeded',
      limit: 'daily',
      limitAmount: 5000,
      remainingAmount: 0,
    });
    for (const [day, token] of [
      ['2026-10-15', inTwo],
      ['2026-10-16', inMain],
      ['2026-10-17', inTwo],
    ] as const) {
      await t.api.setClock(`${day}T10:00:00+08:00`);
      expect((await reserve(token, { amount: 5000 })).status).toBe(201);
    }
    await t.api.setClock('2026-10-18T10:00:00+08:00');
    const over = await reserve(inTwo, { amount: 1 });
    expect(over.status).toBe(403);
    expect(over.body).toMatchObject({ code: 'spending_limit_exceeded', limit: 'monthly', limitAmount: 20000, remainingAmount: 0 });
    await t.api.setClock('2026-10-14T10:00:00+08:00');
  });
});
