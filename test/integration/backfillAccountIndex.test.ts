/**
 * `npm run backfill:account-index`: sessions and orders stored before the per-account index existed
 * are found by export and erasure afterwards; a second run changes nothing; items that have the
 * index keep it as it was.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { describe, expect, it } from 'vitest';
import { runBackfill } from '#infra/cli/backfillAccountIndex';
import { SpendingRepository } from '#shared/spending/repository';
import { orderKey, sessionKey } from '#shared/storage/keys';
import { freshTable, repositories } from '#test/support/table';

describe('backfill of the per-account index', () => {
  it('indexes old sessions and orders once, and leaves indexed ones alone', async () => {
    const { db, table } = await freshTable();
    const at = Date.parse('2026-05-01T20:00:00+08:00');
    const session = {
      sessionId: 'old-s',
      accountId: 'acct-old',
      identityHash: 'h',
      deviceHash: 'd',
      birthDate: '2012-01-01',
      playedBeforeSeconds: 0,
      startedAt: at,
      lastHeartbeatAt: at,
      lastSeq: 3,
      intervalSeconds: 60,
      state: 'ended',
      endReason: 'logout',
      endedAt: at + 60_000,
      minorAtLogin: true,
      identityLeased: true,
      gameId: 'default',
    };
    const order = {
      orderId: 'old-o',
      accountId: 'acct-old',
      gameId: 'default',
      identityHash: 'h',
      amount: 600,
      day: '2026-05-01',
      month: '2026-05',
      status: 'committed',
      reservedAt: at,
      reservationExpiresAt: at + 900_000,
    };
    await db.send(new PutCommand({ TableName: table, Item: { ...sessionKey('old-s'), ...session } }));
    await db.send(new PutCommand({ TableName: table, Item: { ...orderKey('old-o'), ...order } }));
    await db.send(
      new PutCommand({
        TableName: table,
        Item: { ...sessionKey('new-s'), ...session, sessionId: 'new-s', gsi2pk: 'ACCOUNT#acct-old', gsi2sk: 'SESSION#kept' },
      }),
    );
    const { sessions } = repositories(db, table);
    expect((await sessions.ofAccount('acct-old')).map((s) => s.sessionId)).toEqual(['new-s']);

    const lines: string[] = [];
    expect(
      await runBackfill(
        ['--endpoint', inject('dynamoEndpoint'), '--table', table],
        (l) => lines.push(l),
        (l) => lines.push(l),
      ),
    ).toBe(0);
    expect(lines).toEqual(['indexed 1 sessions and 1 orders']);
    expect((await sessions.ofAccount('acct-old')).map((s) => s.sessionId).sort()).toEqual(['new-s', 'old-s']);
    expect((await new SpendingRepository(db, table).ofAccount('acct-old')).map((o) => o.orderId)).toEqual(['old-o']);

    lines.length = 0;
    expect(
      await runBackfill(
        ['--endpoint', inject('dynamoEndpoint'), '--table', table],
        (l) => lines.push(l),
        (l) => lines.push(l),
      ),
    ).toBe(0);
    expect(lines).toEqual(['indexed 0 sessions and 0 orders']);
  });

  it('says how to call it', async () => {
    const errors: string[] = [];
    expect(
      await runBackfill(
        [],
        () => {},
        (l) => errors.push(l),
      ),
    ).toBe(2);
    expect(errors).toEqual(['usage: npm run backfill:account-index -- (--endpoint URL | --table NAME)']);
  });
});
