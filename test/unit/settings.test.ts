/** One schema for every setting: what synth, `npm start` and a cold start accept is the same. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_RISK_POLICY } from '#shared/domain/riskRules';
import { DEFAULT_SPENDING_POLICY } from '#shared/domain/spendingPolicy';
import { PRESETS } from '#shared/domain/playPolicy';
import { DEFAULT_GAMES, InvalidSettings, NPPA_PRODUCTION_URLS, parseGames, parseSettings, PolicySettings, Settings } from '#shared/settings';

describe('settings', () => {
  it('defaults every policy to the law and the national system to its production addresses', () => {
    expect(parseSettings(Settings, { TABLE_NAME: 't' })).toEqual({
      TABLE_NAME: 't',
      GAMES: DEFAULT_GAMES,
      ...NPPA_PRODUCTION_URLS,
      PLAY_POLICY: PRESETS['nppa-2021'],
      SPENDING_POLICY: DEFAULT_SPENDING_POLICY,
      RISK_POLICY: DEFAULT_RISK_POLICY,
      RESERVATION_TTL_SECONDS: 900,
      COMPLAINT_DAYS: 15,
      PRIVACY_POLICY_VERSION: '1',
      CONSENT: 'attested',
    });
  });

  it('answers complaints within 15 days unless fewer are promised, and never more (docs/rules.md)', () => {
    expect(parseSettings(PolicySettings, { COMPLAINT_DAYS: '7' }).COMPLAINT_DAYS).toBe(7);
    expect(parseSettings(PolicySettings, { COMPLAINT_DAYS: '15' }).COMPLAINT_DAYS).toBe(15);
    expect(() => parseSettings(PolicySettings, { COMPLAINT_DAYS: '16' })).toThrow(/COMPLAINT_DAYS: at most 15 days/);
    expect(() => parseSettings(PolicySettings, { COMPLAINT_DAYS: '0' })).toThrow(/COMPLAINT_DAYS: at least 1 day/);
    expect(() => parseSettings(PolicySettings, { COMPLAINT_DAYS: '2.5' })).toThrow(/COMPLAINT_DAYS: a whole number of days/);
  });

  it('takes the privacy policy version consents name and who records them', () => {
    expect(parseSettings(PolicySettings, { PRIVACY_POLICY_VERSION: '2026-12', CONSENT: 'guardian' })).toMatchObject({
      PRIVACY_POLICY_VERSION: '2026-12',
      CONSENT: 'guardian',
    });
    expect(() => parseSettings(PolicySettings, { CONSENT: 'parents' })).toThrow(/CONSENT/);
    expect(() => parseSettings(PolicySettings, { PRIVACY_POLICY_VERSION: 'v 2' })).toThrow(/PRIVACY_POLICY_VERSION: printable ASCII/);
  });

  it("parses policies into the domain's values once", () => {
    const s = parseSettings(PolicySettings, {
      RISK_POLICY: '{"maxAccountsPerDevice":2}',
      RESERVATION_TTL_SECONDS: '600',
      PLAY_POLICY: '{"preset":"nppa-2019"}',
    });
    expect(s.RISK_POLICY).toEqual({ ...DEFAULT_RISK_POLICY, maxAccountsPerDevice: 2 });
    expect(s.RESERVATION_TTL_SECONDS).toBe(600);
    expect(s.PLAY_POLICY).toEqual(PRESETS['nppa-2019']);
  });

  it('treats an empty variable as unset', () => {
    expect(parseSettings(PolicySettings, { RISK_POLICY: '' }).RISK_POLICY).toEqual(DEFAULT_RISK_POLICY);
  });

  it.each([
    ['RISK_POLICY', '{"maxAcountsPerDevice":0}', /RISK_POLICY: invalid risk policy: Unrecognized key: "maxAcountsPerDevice"/],
    ['RISK_POLICY', '{"maxAccountsPerDevice":0}', /RISK_POLICY: invalid risk policy: maxAccountsPerDevice: Too small/],
    ['RISK_POLICY', '{', /RISK_POLICY: is not valid JSON/],
    [
      'PLAY_POLICY',
      '{"preset":"nppa-2021","holiday":{"windows":[["19:00","21:00"]]}}',
      /PLAY_POLICY: play window 19:00–21:00 on holiday days is wider than the law's 20:00–21:00/,
    ],
    ['SPENDING_POLICY', '[]', /SPENDING_POLICY: invalid spending policy/],
    [
      'CALENDAR_OVERRIDE',
      '{"years":{"2027":{"holidays":["2028-01-01"],"workdays":[]}}}',
      /CALENDAR_OVERRIDE: invalid calendar override: 2028-01-01 is not in 2027/,
    ],
    ['RESERVATION_TTL_SECONDS', '30', /RESERVATION_TTL_SECONDS: Too small/],
    ['NPPA_LOGINOUT_URL', 'api2.wlc.nppa.gov.cn/behavior', /NPPA_LOGINOUT_URL: /],
  ])('refuses %s=%s, naming the variable and the field', (variable, value, message) => {
    const attempt = () => parseSettings(Settings, { TABLE_NAME: 't', [variable]: value });
    expect(attempt).toThrow(InvalidSettings);
    expect(attempt).toThrow(message);
  });

  it('requires the table at cold start (synth checks everything else)', () => {
    expect(() => parseSettings(Settings, {})).toThrow(/TABLE_NAME/);
    expect(() => parseSettings(PolicySettings, {})).not.toThrow();
  });

  it('takes an optional webhook address (unset: notifications off) and refuses one that is not an http(s) URL, naming WEBHOOK_URL', () => {
    expect(parseSettings(PolicySettings, {}).WEBHOOK_URL).toBeUndefined();
    expect(parseSettings(PolicySettings, { WEBHOOK_URL: 'http://127.0.0.1:9000/hooks' }).WEBHOOK_URL).toBe('http://127.0.0.1:9000/hooks');
    for (const bad of ['hooks.example.cn', 'ftp://hooks.example.cn/x'])
      expect(() => parseSettings(PolicySettings, { WEBHOOK_URL: bad })).toThrow(/WEBHOOK_URL/);
  });
});

const TWO_GAMES = [
  { gameId: 'g-main', bizId: '1101999999', name: '主游戏' },
  { gameId: 'g-two', bizId: '1101999998', ageRating: 12 },
];
const HALF_HOUR = { preset: 'nppa-2021', fridayToSunday: { windows: [['20:00', '20:30']] }, holiday: { windows: [['20:00', '20:30']] } };

describe('games', () => {
  it("defaults to the single game `default` under the secret's bizId", () => {
    expect(DEFAULT_GAMES).toEqual([{ gameId: 'default', bizId: null, name: 'default', ageRating: null, playPolicy: null }]);
    expect(parseSettings(PolicySettings, {}).GAMES).toEqual(DEFAULT_GAMES);
  });

  it('parses the configured games in order, the name defaulting to the id', () => {
    expect(parseSettings(PolicySettings, { GAMES: JSON.stringify(TWO_GAMES) }).GAMES).toEqual([
      { gameId: 'g-main', bizId: '1101999999', name: '主游戏', ageRating: null, playPolicy: null },
      { gameId: 'g-two', bizId: '1101999998', name: 'g-two', ageRating: 12, playPolicy: null },
    ]);
  });

  it.each([
    [
      'a gameId twice',
      [
        { gameId: 'g-main', bizId: '1101999999' },
        { gameId: 'g-main', bizId: '1101999998' },
      ],
      'invalid games: 1.gameId: "g-main" appears twice',
    ],
    [
      'one bizId for two games',
      [
        { gameId: 'g-main', bizId: '1101999999' },
        { gameId: 'g-two', bizId: '1101999999' },
      ],
      'invalid games: 1.bizId: two games share one bizId',
    ],
    [
      'a bizId with a space',
      [{ gameId: 'g-main', bizId: '1101 999999' }],
      'invalid games: 0.bizId: bizId: the registration code with the national system (1–32 letters, digits, "_" or "-")',
    ],
    [
      'a bizId of 33 characters',
      [{ gameId: 'g-main', bizId: '1'.repeat(33) }],
      'invalid games: 0.bizId: bizId: the registration code with the national system (1–32 letters, digits, "_" or "-")',
    ],
    ['ageRating 10', [{ gameId: 'g-main', bizId: '1101999999', ageRating: 10 }], 'invalid games: 0.ageRating: Invalid input'],
    ['ageRating 18', [{ gameId: 'g-main', bizId: '1101999999', ageRating: 18 }], 'invalid games: 0.ageRating: Invalid input'],
    ['no games', [], 'invalid games: Too small: expected array to have >=1 items'],
    [
      'a gameId starting with "-"',
      [{ gameId: '-main', bizId: '1101999999' }],
      'invalid games: 0.gameId: gameId: 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    ],
    [
      'a game play policy looser than the law',
      [{ gameId: 'g-main', bizId: '1101999999', playPolicy: { preset: 'nppa-2021', holiday: { windows: [['19:00', '21:00']] } } }],
      "invalid games: 0.playPolicy: play window 19:00–21:00 on holiday days is wider than the law's " +
        '20:00–21:00 (2021 NPPA notice: Fri/Sat/Sun and statutory holidays 20:00–21:00 only)',
    ],
  ])('refuses %s, naming the game and the field', (_what, games, message) => {
    expect(() => parseGames(games)).toThrow(new Error(message));
    const attempt = () => parseSettings(PolicySettings, { GAMES: JSON.stringify(games) });
    expect(attempt).toThrow(InvalidSettings);
    expect(attempt).toThrow(`invalid configuration: GAMES: ${message}`);
  });

  it("refuses a game play policy looser than the deployment's PLAY_POLICY, and accepts one as strict", () => {
    const games = (playPolicy: unknown) => JSON.stringify([TWO_GAMES[0], { ...TWO_GAMES[1], playPolicy }]);
    const attempt = () => parseSettings(Settings, { TABLE_NAME: 't', PLAY_POLICY: JSON.stringify(HALF_HOUR), GAMES: games({ preset: 'nppa-2021' }) });
    expect(attempt).toThrow(InvalidSettings);
    expect(attempt).toThrow(
      "invalid configuration: GAMES: invalid games: 1.playPolicy: play window 20:00–21:00 on holiday days is wider than the deployment's 20:00–20:30",
    );
    // The same game policy is within the law's default: only the deployment's makes it too loose.
    expect(parseSettings(Settings, { TABLE_NAME: 't', GAMES: games({ preset: 'nppa-2021' }) }).GAMES[1]!.playPolicy).toEqual(PRESETS['nppa-2021']);
    expect(
      parseSettings(Settings, { TABLE_NAME: 't', PLAY_POLICY: JSON.stringify(HALF_HOUR), GAMES: games(HALF_HOUR) }).GAMES[1]!.playPolicy?.days.holiday,
    ).toEqual({ windows: [{ start: 72_000, end: 73_800 }], budgetSeconds: null });
  });
});

describe('games() (the HTTP edge and meta, which have no table)', () => {
  const saved = { GAMES: process.env.GAMES, TABLE_NAME: process.env.TABLE_NAME };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    vi.resetModules();
  });
  const fresh = async () => {
    vi.resetModules();
    return import('#shared/settings');
  };

  it('parses GAMES without TABLE_NAME, once per container', async () => {
    delete process.env.TABLE_NAME;
    process.env.GAMES = JSON.stringify(TWO_GAMES);
    const { games, settings } = await fresh();
    expect(games().map((g) => g.gameId)).toEqual(['g-main', 'g-two']);
    expect(() => settings()).toThrow(/TABLE_NAME/);
    process.env.GAMES = JSON.stringify([{ gameId: 'g-other', bizId: '1' }]);
    expect(games().map((g) => g.gameId)).toEqual(['g-main', 'g-two']);
  });

  it('is the single game `default` when GAMES is unset, and fails naming GAMES when it is bad', async () => {
    delete process.env.GAMES;
    expect((await fresh()).games()).toEqual(DEFAULT_GAMES);
    process.env.GAMES = JSON.stringify([{ gameId: 'g-main', bizId: '1101999999', ageRating: 10 }]);
    const { games } = await fresh();
    expect(() => games()).toThrow('invalid configuration: GAMES: invalid games: 0.ageRating: Invalid input');
  });
});
