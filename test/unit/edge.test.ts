import { describe, expect, it } from 'vitest';
import { callerFromClaims } from '#shared/http/api';
import { problemBody } from '#shared/http/problem';

describe('credentials as API Gateway passes their claims', () => {
  it.each([
    [{ sub: 'acct-1' }, { accountId: 'acct-1', kind: 'player' }],
    [{ sub: 'acct-1', scope: 'player' }, { accountId: 'acct-1', kind: 'player' }],
    [{ sub: 'gs-1', scope: 'server' }, { accountId: 'gs-1', kind: 'server' }],
    [{ sub: 'gs-1', scope: 'openid server' }, { accountId: 'gs-1', kind: 'server' }],
    [{ sub: 'gs-1', scope: '[openid server]' }, { accountId: 'gs-1', kind: 'server' }],
    [{ sub: 'gs-1', scope: ['server'] }, { accountId: 'gs-1', kind: 'server' }],
    [{ sub: 'x', scope: 'servers' }, { accountId: 'x', kind: 'player' }],
  ])('%j → %j', (claims, caller) => expect(callerFromClaims(claims)).toEqual(caller));

  it.each([[{}], [{ sub: '' }], [{ sub: 'a'.repeat(129) }], [{ sub: 42 }], [undefined]])('refuses %j', (claims) => {
    expect(callerFromClaims(claims as Record<string, unknown> | undefined)).toBeNull();
  });
});

describe('problem documents', () => {
  it('carry the contract code and never let an extension replace a standard member', () => {
    expect(problemBody('order_conflict', { status: 'committed', code: 'other', orderStatus: 'committed' })).toEqual({
      type: 'urn:playguard:problem:order_conflict',
      title: 'Order conflict',
      status: 409,
      detail: '订单号已被用于其他金额或账号。',
      code: 'order_conflict',
      orderStatus: 'committed',
    });
  });
});
