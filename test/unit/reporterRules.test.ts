/** The reporter's pure rules: how a batch's answer is sorted, and how batches are cut. */
import { describe, expect, it } from 'vitest';
import { classifyBatch, MAX_BATCH, MAX_EVENT_AGE_S, nextBatch, shiftSeconds } from '#shared/reporting/reporter';

const batch = ['a', 'b', 'c', 'd'];

describe('classifyBatch', () => {
  it.each([
    ['all accepted', [], { accepted: ['a', 'b', 'c', 'd'], dead: [], retry: [] }],
    ['a data error is dead for good', [{ no: 2, errcode: 3004 }], { accepted: ['a', 'c', 'd'], dead: [{ event: 'b', errcode: 3004 }], retry: [] }],
    [
      'every permanent errcode 3004–3010',
      [3004, 3005, 3006, 3007].map((errcode, i) => ({ no: i + 1, errcode })),
      {
        accepted: [],
        dead: [
          ['a', 3004],
          ['b', 3005],
          ['c', 3006],
          ['d', 3007],
        ].map(([event, errcode]) => ({ event, errcode })),
        retry: [],
      },
    ],
    [
      '3008–3010 too',
      [3008, 3009, 3010].map((errcode, i) => ({ no: i + 2, errcode })),
      {
        accepted: ['a'],
        dead: [
          ['b', 3008],
          ['c', 3009],
          ['d', 3010],
        ].map(([event, errcode]) => ({ event, errcode })),
        retry: [],
      },
    ],
    [
      'other item errors are retried',
      [
        { no: 1, errcode: 1001 },
        { no: 4, errcode: 3002 },
      ],
      { accepted: ['b', 'c'], dead: [], retry: ['a', 'd'] },
    ],
    ['a refusal for an item that is not in the batch changes nothing', [{ no: 9, errcode: 3004 }], { accepted: ['a', 'b', 'c', 'd'], dead: [], retry: [] }],
  ])('%s', (_name, failed, expected) => {
    expect(classifyBatch(batch, failed)).toEqual(expected);
  });
});

describe('nextBatch and shiftSeconds', () => {
  it('cuts batches at 128 events and at the age window', () => {
    const events = Array.from({ length: 300 }, (_, i) => ({ atMs: i * 1000 }));
    expect(nextBatch(events)).toHaveLength(MAX_BATCH);
    expect(nextBatch(events.map((_, i) => ({ atMs: i * 2000 })))).toHaveLength(Math.ceil(MAX_EVENT_AGE_S / 2));
    expect(nextBatch([])).toEqual([]);
  });

  it('shifts only a backlog older than the window', () => {
    expect(shiftSeconds(1000, 1000 + MAX_EVENT_AGE_S - 5)).toBe(0);
    expect(shiftSeconds(1000, 1000 + MAX_EVENT_AGE_S + 60)).toBe(65);
  });
});
