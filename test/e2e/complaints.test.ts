/**
 * Complaints and the requests register over HTTP (2024 Regulations Arts. 7 and 34; docs/api.md):
 * a player files a complaint — answered by its due date, here 7 days (COMPLAINT_DAYS: fewer than 15
 * may be promised) — and reads the answer; operators list the register by days and status and answer
 * once, every read and answer written to the access log first; exports and erasures enter it by
 * themselves; overdue open entries raise ComplaintsOverdue on the scheduled count; an erasure takes the
 * texts and keeps the entries (kind, category, dates, outcome) for their three years.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useLogSink } from '#shared/log';
import { deployed, useGateway } from '#test/support/gateway';
import { person } from '#test/support/people';

// Read by the functions when the gateway starts (each test file runs in its own process).
process.env.COMPLAINT_DAYS = '7';
const t = useGateway();
const uid = () => randomUUID().slice(0, 8);
const metrics: Array<Record<string, unknown>> = [];
useLogSink((line) => {
  const parsed = JSON.parse(line) as Record<string, unknown>;
  if (parsed._aws) metrics.push(parsed);
});

describe.skipIf(deployed)('complaints and the requests register', () => {
  const playerId = `p-${uid()}`;
  let player = '';
  let operator = '';
  let complaintId = '';

  beforeAll(async () => {
    operator = await t.api.token(`op-${uid()}`, 'operator');
  });

  it('takes a complaint from any player (no identity needed), due 7 days later, and lists it for the player', async () => {
    await t.api.setClock('2026-12-01T10:00:00+08:00');
    player = await t.api.token(playerId);
    const filed = await t.api.call('POST', '/v1/complaints', {
      token: player,
      body: { category: 'real_name', text: '实名认证一直失败，但信息是正确的。', orderId: 'ord-77' },
    });
    expect(filed.status).toBe(201);
    complaintId = filed.body.complaintId;
    expect(filed.body).toEqual({
      complaintId: expect.stringMatching(/^r[0-9a-z]{9}[0-9a-f]{16}$/),
      status: 'open',
      receivedAt: expect.stringMatching(/^2026-12-01T10:00:0\d\+08:00$/),
      dueAt: expect.stringMatching(/^2026-12-08T10:00:0\d\+08:00$/),
    });
    expect((await t.api.call('GET', '/v1/me/complaints', { token: player })).body).toEqual({
      complaints: [
        {
          complaintId,
          kind: 'complaint',
          category: 'real_name',
          status: 'open',
          receivedAt: filed.body.receivedAt,
          dueAt: filed.body.dueAt,
          answeredAt: null,
          outcome: null,
          answer: null,
        },
      ],
    });
    // Another player's list does not show it.
    expect((await t.api.call('GET', '/v1/me/complaints', { token: await t.api.token(`q-${uid()}`) })).body).toEqual({ complaints: [] });
  });

  it.each([
    ['an unknown category', { category: 'weather', text: '下雨了' }, 'category'],
    ['an empty text', { category: 'other', text: '   ' }, 'text'],
    ['a text over 2,000 characters', { category: 'other', text: '投'.repeat(2001) }, 'text'],
    ['an unknown field', { category: 'other', text: '好', mood: 'angry' }, ''],
  ])('refuses %s with 400, naming the field', async (_name, body, path) => {
    const r = await t.api.call('POST', '/v1/complaints', { token: player, body });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('invalid_request');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('takes exactly 2,000 characters (counted as characters, not bytes or UTF-16 units), and refuses a game that is not configured', async () => {
    // A second after the first: the register lists entries by the time they were received.
    await t.api.advanceClock(1);
    expect((await t.api.call('POST', '/v1/complaints', { token: player, body: { category: 'other', text: '😀'.repeat(2000) } })).status).toBe(201);
    expect((await t.api.call('POST', '/v1/complaints', { token: player, body: { category: 'other', text: '好', gameId: 'no-such-game' } })).body.code).toBe(
      'unknown_game',
    );
    // Game servers do not file complaints as players (staff tokens are not even the players' issuer's: 401).
    expect((await t.api.call('POST', '/v1/complaints', { token: operator, body: { category: 'other', text: '好' } })).status).toBe(401);
    expect(
      (await t.api.call('POST', '/v1/complaints', { token: await t.api.token('server-1', 'server'), body: { category: 'other', text: '好' } })).status,
    ).toBe(403);
  });

  it('lists the register for operators by days and status, with the texts, and logs the read first', async () => {
    const open = await t.api.call('GET', '/v1/admin/complaints?status=open&from=2026-12-01&to=2026-12-01', { token: operator });
    expect(open.status).toBe(200);
    const mine = open.body.complaints.filter((c: { accountId: string }) => c.accountId === playerId);
    expect(mine.map((c: { category: string; text: string }) => [c.category, c.text.slice(0, 8)])).toEqual([
      ['real_name', '实名认证一直失败'],
      ['other', '😀😀😀😀'],
    ]);
    expect(mine[0]).toEqual({
      complaintId,
      kind: 'complaint',
      category: 'real_name',
      accountId: playerId,
      gameId: 'default',
      orderId: 'ord-77',
      text: '实名认证一直失败，但信息是正确的。',
      status: 'open',
      receivedAt: expect.any(String),
      dueAt: expect.any(String),
      overdue: false,
      answeredAt: null,
      outcome: null,
      answer: null,
      answeredBy: null,
      erased: false,
    });
    // A second between reads: the access log lists them by time.
    await t.api.advanceClock(1);
    expect(
      (await t.api.call('GET', '/v1/admin/complaints?status=answered&from=2026-12-01&to=2026-12-01', { token: operator })).body.complaints.filter(
        (c: { accountId: string }) => c.accountId === playerId,
      ),
    ).toEqual([]);
    await t.api.advanceClock(1);
    expect((await t.api.call('GET', '/v1/admin/complaints?from=2026-11-30&to=2026-11-30', { token: operator })).body.complaints).toEqual([]);
    const log = await t.api.call('GET', '/v1/admin/access-log?from=2026-12-01&to=2026-12-01', { token: operator });
    expect(
      log.body.entries
        .filter((e: { action: string }) => e.action === 'complaints_read')
        .map((e: { accountId: string; reason: string }) => [e.accountId, e.reason]),
    ).toEqual([
      ['*', 'open 2026-12-01/2026-12-01'],
      ['*', 'answered 2026-12-01/2026-12-01'],
      ['*', 'all 2026-11-30/2026-11-30'],
    ]);
  });

  it.each([
    ['from after to', 'from=2026-12-02&to=2026-12-01'],
    ['over 367 days', 'from=2025-01-01&to=2026-12-01'],
    ['a day the calendar does not have', 'from=2027-02-29&to=2027-03-01'],
    ['year 9999', 'from=9999-01-01&to=9999-01-02'],
    ['an unknown status', 'status=closed&from=2026-12-01&to=2026-12-01'],
    ['no days', 'status=open'],
  ])('refuses %s with 400 (no read, nothing logged)', async (_name, query) => {
    const r = await t.api.call('GET', `/v1/admin/complaints?${query}`, { token: operator });
    expect(r.status).toBe(400);
    expect(r.body.errors[0].in).toBe('query');
  });

  it('is for operators only', async () => {
    expect((await t.api.call('GET', '/v1/admin/complaints?from=2026-12-01&to=2026-12-01', { token: player })).status).toBe(403);
    expect(
      (await t.api.call('POST', `/v1/admin/complaints/${complaintId}/answer`, { token: player, body: { outcome: 'resolved', answer: '好' } })).status,
    ).toBe(403);
  });

  it('answers a complaint once, refused with its reasons; the player reads it; the answer is logged first', async () => {
    await t.api.setClock('2026-12-03T15:00:00+08:00');
    expect((await t.api.call('POST', `/v1/admin/complaints/${complaintId}/answer`, { token: operator, body: { outcome: 'refused', answer: '' } })).status).toBe(
      400,
    );
    expect(
      (await t.api.call('POST', `/v1/admin/complaints/${complaintId}/answer`, { token: operator, body: { outcome: 'withdrawn', answer: '好' } })).status,
    ).toBe(400);
    const answered = await t.api.call('POST', `/v1/admin/complaints/${complaintId}/answer`, {
      token: operator,
      body: { outcome: 'refused', answer: '国家实名认证系统答复姓名与号码不一致，请核对身份证上的姓名。' },
    });
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ complaintId, status: 'answered', outcome: 'refused', answeredAt: expect.stringMatching(/^2026-12-03T15:00:0\d\+08:00$/) });
    // A second between answers: the access log lists them by time.
    await t.api.advanceClock(1);
    const again = await t.api.call('POST', `/v1/admin/complaints/${complaintId}/answer`, {
      token: operator,
      body: { outcome: 'resolved', answer: '改主意了' },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('already_answered');
    await t.api.advanceClock(1);
    const unknown = await t.api.call('POST', `/v1/admin/complaints/r000000000${'0'.repeat(16)}/answer`, {
      token: operator,
      body: { outcome: 'resolved', answer: '好' },
    });
    expect(unknown.status).toBe(404);
    await t.api.advanceClock(1);
    expect(
      (await t.api.call('POST', '/v1/admin/complaints/not-a-register-id/answer', { token: operator, body: { outcome: 'resolved', answer: '好' } })).status,
    ).toBe(404);
    const [entry] = (await t.api.call('GET', '/v1/me/complaints', { token: player })).body.complaints.filter(
      (c: { complaintId: string }) => c.complaintId === complaintId,
    );
    expect(entry).toMatchObject({
      status: 'answered',
      outcome: 'refused',
      answer: '国家实名认证系统答复姓名与号码不一致，请核对身份证上的姓名。',
      answeredAt: answered.body.answeredAt,
    });
    const log = await t.api.call('GET', '/v1/admin/access-log?from=2026-12-03&to=2026-12-03', { token: operator });
    expect(
      log.body.entries
        .filter((e: { action: string }) => e.action === 'complaint_answer')
        .map((e: { reason: string; subject: string }) => [e.reason, e.subject]),
    ).toEqual([
      ['refused', complaintId],
      ['resolved', complaintId],
      ['resolved', `r000000000${'0'.repeat(16)}`],
      ['resolved', 'not-a-register-id'],
    ]);
  });

  it('enters an export by itself, answered at once, once a Beijing day; operators cannot answer it again', async () => {
    const verified = await t.api.token(`v-${uid()}`);
    expect((await t.api.call('POST', '/v1/identity', { token: verified, body: person('1988-08-08') })).status).toBe(200);
    for (let i = 0; i < 2; i += 1) expect((await t.api.call('GET', '/v1/me/data', { token: verified })).status).toBe(200);
    const list = (await t.api.call('GET', '/v1/me/complaints', { token: verified })).body.complaints;
    expect(list).toEqual([
      {
        complaintId: expect.any(String),
        kind: 'export',
        category: 'personal_information',
        status: 'answered',
        receivedAt: expect.stringMatching(/^2026-12-03T15:/),
        dueAt: expect.stringMatching(/^2026-12-10T15:/),
        answeredAt: expect.stringMatching(/^2026-12-03T15:/),
        outcome: 'resolved',
        answer: '已导出该账号及其实名对应的全部个人信息（GET /v1/me/data）。',
      },
    ]);
    expect(
      (await t.api.call('POST', `/v1/admin/complaints/${list[0].complaintId}/answer`, { token: operator, body: { outcome: 'resolved', answer: '好' } })).body
        .code,
    ).toBe('already_answered');
  });

  it('counts the open entries past their due date on the scheduled run: ComplaintsOverdue', async () => {
    const late = await t.api.token(`late-${uid()}`);
    await t.api.setClock('2026-12-04T09:00:00+08:00');
    expect((await t.api.call('POST', '/v1/complaints', { token: late, body: { category: 'payment', text: '充值没到账。' } })).status).toBe(201);
    const count = async () => {
      metrics.length = 0;
      expect((await t.api.tick()).body.ran).toContain('complaintWatcher');
      return metrics.filter((m) => 'ComplaintsOverdue' in m).map((m) => m.ComplaintsOverdue);
    };
    // Due on 2026-12-08 (the player's other complaint, filed on 12-01) and 12-11: none overdue on 12-08 at 09:00.
    await t.api.setClock('2026-12-08T09:00:00+08:00');
    expect(await count()).toEqual([0]);
    await t.api.setClock('2026-12-08T10:01:00+08:00');
    expect(await count()).toEqual([1]);
    await t.api.setClock('2026-12-11T09:01:00+08:00');
    expect(await count()).toEqual([2]);
    // Answered late: no longer overdue, and listed as answered late.
    const open = (await t.api.call('GET', '/v1/admin/complaints?status=open&from=2026-12-01&to=2026-12-04', { token: operator })).body.complaints;
    expect(open.map((c: { overdue: boolean }) => c.overdue)).toEqual([true, true]);
    for (const c of open)
      expect(
        (await t.api.call('POST', `/v1/admin/complaints/${c.complaintId}/answer`, { token: operator, body: { outcome: 'resolved', answer: '已处理。' } }))
          .status,
      ).toBe(200);
    expect(await count()).toEqual([0]);
    const answered = (await t.api.call('GET', '/v1/admin/complaints?status=answered&from=2026-12-04&to=2026-12-04', { token: operator })).body.complaints;
    expect(answered.map((c: { category: string; overdue: boolean }) => [c.category, c.overdue])).toEqual([['payment', true]]);
  });

  it('takes the texts with an erasure and keeps the entries (kind, category, dates, outcome): an open one is withdrawn', async () => {
    await t.api.setClock('2026-12-12T10:00:00+08:00');
    const id = `e-${uid()}`;
    const token = await t.api.token(id);
    expect((await t.api.call('POST', '/v1/identity', { token, body: person('1992-02-02') })).status).toBe(200);
    expect(
      (await t.api.call('POST', '/v1/complaints', { token, body: { category: 'account_sharing', text: '我的账号被别人借用了，手机号 13800000000。' } })).status,
    ).toBe(201);
    // A second later: the register lists the complaint before the erasure.
    await t.api.advanceClock(1);
    const erased = await t.api.call('DELETE', '/v1/me', { token });
    expect(erased.status).toBe(200);
    expect(erased.body.erased).toContain('complaint_texts');
    expect(erased.body.retained).toEqual([
      {
        kind: 'requests_register',
        until: expect.stringMatching(/^2029-12-1\dT10:00:0\d\+08:00$/),
        why: expect.stringContaining('for three years after its answer'),
      },
    ]);
    const all = (await t.api.call('GET', '/v1/admin/complaints?from=2026-12-12&to=2026-12-12', { token: operator })).body.complaints.filter(
      (c: { accountId: string }) => c.accountId === id,
    );
    expect(
      all.map(
        (c: {
          kind: string;
          category: string;
          status: string;
          outcome: string;
          text: string | null;
          answer: string | null;
          erased: boolean;
          answeredBy: string;
        }) => [c.kind, c.category, c.status, c.outcome, c.text, c.answer, c.erased, c.answeredBy],
      ),
    ).toEqual([
      // The complaint, closed unanswered (nobody is left to read an answer) and without its text; then the erasure itself.
      ['complaint', 'account_sharing', 'answered', 'withdrawn', null, null, true, 'erasure'],
      [
        'erasure',
        'personal_information',
        'answered',
        'resolved',
        null,
        '已删除该账号的个人信息；法律仍需保留的内容、保留期限与理由见删除结果中的 retained。',
        false,
        'gateway',
      ],
    ]);
    // The same account id registers again: its old entries are not in its list.
    expect((await t.api.call('GET', '/v1/me/complaints', { token })).body.complaints).toEqual([]);
  });
});
