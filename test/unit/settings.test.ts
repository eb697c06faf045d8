/** One schema for every setting: what synth, `npm start` and a cold start accept is the same. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RISK_POLICY } from '#shared/domain/riskRules';
import { DEFAULT_SPENDING_POLICY } from '#shared/domain/spendingPolicy';
import { PRESETS } from '#shared/domain/playPolicy';
import { InvalidSettings, NPPA_PRODUCTION_URLS, parseSettings, PolicySettings, Settings } from '#shared/settings';

describe('settings', () => {
  it('defaults every policy to the law and the national system to its production addresses', () => {
    expect(parseSettings(Settings, { TABLE_NAME: 't' })).toEqual({
      TABLE_NAME: 't',
      ...NPPA_PRODUCTION_URLS,
      PLAY_POLICY: PRESETS['nppa-2021'],
      SPENDING_POLICY: DEFAULT_SPENDING_POLICY,
      RISK_POLICY: DEFAULT_RISK_POLICY,
      RESERVATION_TTL_SECONDS: 900,
    });
  });

  it('parses policies into the domain\'s values once', () => {
    const s = parseSettings(PolicySettings, { RISK_POLICY: '{"maxAccountsPerDevice":2}', RESERVATION_TTL_SECONDS: '600', PLAY_POLICY: '{"preset":"nppa-2019"}' });
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
    ['PLAY_POLICY', '{"preset":"nppa-2021","holiday":{"windows":[["19:00","21:00"]]}}', /PLAY_POLICY: play window 19:00–21:00 on holiday days is wider than the law's 20:00–21:00/],
    ['SPENDING_POLICY', '[]', /SPENDING_POLICY: invalid spending policy/],
    ['CALENDAR_OVERRIDE', '{"years":{"2027":{"holidays":["2028-01-01"],"workdays":[]}}}', /CALENDAR_OVERRIDE: invalid calendar override: 2028-01-01 is not in 2027/],
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
});
