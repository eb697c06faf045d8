/**
 * The `play_time_restricted` detail names the rule in force (shared/domain/playPolicy.ts
 * playTimeRuleDetail), and a Problem can carry its own detail without it ever becoming an
 * extension member (shared/problem.ts).
 */
import { describe, expect, it } from 'vitest';
import { parsePlayPolicy, playTimeRuleDetail, PRESETS } from '#shared/domain/playPolicy';
import { Problem, problemBody } from '#shared/problem';

describe('playTimeRuleDetail', () => {
  it.each([
    ['nppa-2021 (default)', PRESETS['nppa-2021'], '根据国家防沉迷规定，未成年人仅可在周五、周六、周日和法定节假日 20:00–21:00 进行游戏。'],
    [
      'nppa-2021 written out',
      parsePlayPolicy({ preset: 'nppa-2021' }),
      '根据国家防沉迷规定，未成年人仅可在周五、周六、周日和法定节假日 20:00–21:00 进行游戏。',
    ],
    [
      'nppa-2019',
      parsePlayPolicy({ preset: 'nppa-2019' }),
      '根据国家防沉迷规定，每日 22:00 至次日 08:00 未成年人不可进行游戏；法定节假日每日累计不超过 3 小时，其他时间每日累计不超过 1.5 小时。',
    ],
    [
      'nppa-2021, both windows narrowed to half an hour',
      parsePlayPolicy({ preset: 'nppa-2021', fridayToSunday: { windows: [['20:00', '20:30']] }, holiday: { windows: [['20:00', '20:30']] } }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在周五、周六、周日和法定节假日 20:00–20:30 进行游戏。',
    ],
    [
      'nppa-2021, only Fri/Sat/Sun narrowed',
      parsePlayPolicy({ preset: 'nppa-2021', fridayToSunday: { windows: [['20:15', '20:45']] } }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在周五、周六、周日 20:15–20:45，法定节假日 20:00–21:00 进行游戏。',
    ],
    [
      'nppa-2021, two windows, in time order',
      parsePlayPolicy({
        preset: 'nppa-2021',
        fridayToSunday: {
          windows: [
            ['20:40', '21:00'],
            ['20:00', '20:20'],
          ],
        },
        holiday: { windows: [] },
      }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在周五、周六、周日 20:00–20:20、20:40–21:00 进行游戏。',
    ],
    [
      'nppa-2019, a shorter workday budget',
      parsePlayPolicy({ preset: 'nppa-2019', workday: { budgetMinutes: 60 } }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在工作日 08:00–22:00（每日累计不超过 1 小时），周五、周六、周日 08:00–22:00（每日累计不超过 1.5 小时），法定节假日 08:00–22:00（每日累计不超过 3 小时）进行游戏。',
    ],
    [
      'nppa-2019, narrower hours and a 45-minute budget everywhere',
      parsePlayPolicy({
        preset: 'nppa-2019',
        workday: { windows: [['19:00', '21:00']], budgetMinutes: 45 },
        fridayToSunday: { windows: [['19:00', '21:00']], budgetMinutes: 45 },
        holiday: { windows: [['19:00', '21:00']], budgetMinutes: 45 },
      }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人仅可在工作日、周五、周六、周日和法定节假日 19:00–21:00（每日累计不超过 45 分钟）进行游戏。',
    ],
    [
      'no play at all',
      parsePlayPolicy({ preset: 'nppa-2021', fridayToSunday: { windows: [] }, holiday: { windows: [] } }),
      '根据国家防沉迷规定及本游戏的防沉迷设置，未成年人不可进行游戏。',
    ],
  ])('%s', (_name, policy, detail) => {
    expect(playTimeRuleDetail(policy)).toBe(detail);
  });
});

describe('a per-instance problem detail', () => {
  it('replaces the catalogue detail in the body and is never an extension member', () => {
    const problem = new Problem('play_time_restricted', { nextWindowStart: null, nextWindowEnd: null }, {}, { detail: '自定义说明。' });
    expect(problem.detail).toBe('自定义说明。');
    const body = problemBody(problem.code, problem.extra);
    expect(body).toEqual({
      type: 'urn:playguard:problem:play_time_restricted',
      title: 'Play time restricted',
      status: 403,
      detail: '自定义说明。',
      code: 'play_time_restricted',
      nextWindowStart: null,
      nextWindowEnd: null,
    });
    expect(JSON.parse(JSON.stringify(body))).toEqual(body);
    expect(JSON.stringify(problem.extra)).toBe('{"nextWindowStart":null,"nextWindowEnd":null}');
  });

  it('keeps the catalogue detail without one, and an extension named detail cannot replace it', () => {
    expect(new Problem('order_expired').detail).toBe('订单预留已过期。');
    expect(problemBody('order_expired', { detail: 'x' }).detail).toBe('订单预留已过期。');
  });
});
