/**
 * The requests register's pure parts: due dates, ids that carry their key, and what each entry adds
 * to the operators' figures (received by category; answered by category and on time or late;
 * withdrawn by an erasure), with exact values.
 */
import { describe, expect, it } from 'vitest';
import { answeredInTime, dueAt } from '#shared/domain/complaints';
import { registerEntryId, registerKeyOf } from '#shared/storage/keys';
import { changeEffects, type FigureContext } from '#shared/stats/figures';
import { figuresView } from '#shared/stats/report';

const at = (iso: string) => Date.parse(iso);
const ctx = { firstGame: 'g-main' } as unknown as FigureContext;
const keys = (id: string) => registerKeyOf(id)!;

describe('due dates', () => {
  it('are the days set after receipt, to the second; answered on the due instant is in time', () => {
    const received = at('2026-12-01T10:00:00+08:00');
    expect(dueAt(received, 15)).toBe(at('2026-12-16T10:00:00+08:00'));
    expect(dueAt(received, 7)).toBe(at('2026-12-08T10:00:00+08:00'));
    expect(answeredInTime({ dueAt: dueAt(received, 15), answeredAt: at('2026-12-16T10:00:00+08:00') }, 0)).toBe(true);
    expect(answeredInTime({ dueAt: dueAt(received, 15), answeredAt: at('2026-12-16T10:00:01+08:00') }, 0)).toBe(false);
    expect(answeredInTime({ dueAt: dueAt(received, 15) }, at('2026-12-16T10:00:01+08:00'))).toBe(false);
  });
});

describe('register ids', () => {
  it('carry the instant and the Beijing day their entry is kept under', () => {
    const id = registerEntryId(at('2026-12-01T00:30:00+08:00'), '0123456789abcdef');
    expect(id).toMatch(/^r[0-9a-z]{9}0123456789abcdef$/);
    // 00:30 Beijing is the previous day in UTC: the partition is the Beijing day.
    expect(keys(id)).toEqual({ pk: 'REGISTER#2026-12-01', sk: `${String(at('2026-12-01T00:30:00+08:00')).padStart(15, '0')}#${id}` });
    for (const bad of ['', 'r123', `x${id.slice(1)}`, `${id}0`, id.toUpperCase()]) expect(registerKeyOf(bad)).toBeNull();
  });
});

describe('what the register adds to the figures', () => {
  const entry = (over: Record<string, unknown>) => ({
    category: 'payment',
    gameId: 'g-side',
    receivedAt: at('2026-12-01T10:00:00+08:00'),
    dueAt: at('2026-12-16T10:00:00+08:00'),
    status: 'open',
    ...over,
  });
  const key = { pk: 'REGISTER#2026-12-01', sk: 'x' };
  const effects = (event: 'INSERT' | 'MODIFY', n: Record<string, unknown>, o?: Record<string, unknown>) =>
    changeEffects(ctx, { event, keys: key, new: n, old: o, seenAtMs: 0 }).counts;

  it.each([
    ['a complaint received', 'INSERT', entry({}), undefined, [['2026-12-01', 'g-side', 'complaints:received:payment', 1]]],
    [
      'answered in time, on the day of the answer',
      'MODIFY',
      entry({ status: 'answered', outcome: 'refused', answeredAt: at('2026-12-03T09:00:00+08:00') }),
      entry({}),
      [
        ['2026-12-03', 'g-side', 'complaints:answered:payment', 1],
        ['2026-12-03', 'g-side', 'complaints:answeredOnTime', 1],
      ],
    ],
    [
      'answered late',
      'MODIFY',
      entry({ status: 'answered', outcome: 'resolved', answeredAt: at('2026-12-17T09:00:00+08:00') }),
      entry({}),
      [
        ['2026-12-17', 'g-side', 'complaints:answered:payment', 1],
        ['2026-12-17', 'g-side', 'complaints:answeredLate', 1],
      ],
    ],
    [
      'withdrawn by an erasure',
      'MODIFY',
      entry({ status: 'answered', outcome: 'withdrawn', answeredAt: at('2026-12-05T09:00:00+08:00') }),
      entry({}),
      [['2026-12-05', 'g-side', 'complaints:withdrawn', 1]],
    ],
    [
      'a request answered as it is made, under the first game',
      'INSERT',
      entry({ category: 'personal_information', gameId: undefined, status: 'answered', outcome: 'resolved', answeredAt: at('2026-12-01T10:00:00+08:00') }),
      undefined,
      [
        ['2026-12-01', 'g-main', 'complaints:received:personal_information', 1],
        ['2026-12-01', 'g-main', 'complaints:answered:personal_information', 1],
        ['2026-12-01', 'g-main', 'complaints:answeredOnTime', 1],
      ],
    ],
    [
      'an answered entry losing its texts (an erasure): nothing',
      'MODIFY',
      entry({ status: 'answered', outcome: 'resolved', answeredAt: 1, erasedAt: 2 }),
      entry({ status: 'answered', outcome: 'resolved', answeredAt: 1 }),
      [],
    ],
  ] as const)('%s', (_name, event, n, o, counts) => {
    expect(effects(event, n, o).map((c) => [c.date, c.gameId, c.figure, c.n])).toEqual(counts);
  });

  it('shows them by category, with the on-time count', () => {
    expect(
      figuresView({
        'complaints:received:payment': 3,
        'complaints:received:other': 1,
        'complaints:answered:payment': 2,
        'complaints:answeredOnTime': 1,
        'complaints:answeredLate': 1,
        'complaints:withdrawn': 1,
      }).complaints,
    ).toEqual({
      received: { payment: 3, other: 1 },
      answered: { payment: 2 },
      answeredOnTime: 1,
      answeredLate: 1,
      withdrawn: 1,
    });
  });
});
