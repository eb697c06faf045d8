import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, parseIdNumber } from '#shared/domain/idNumber';
import { decryptBody, encryptBody, signatureBase, signRequest } from '#shared/nppa/crypto';
import { birthDateFromPi, piPrefixForBirthDate } from '#shared/nppa/pi';

const TODAY = '2026-11-23';
const withCheck = (body17: string) => body17 + checkCharacter(body17);

describe('ID numbers (GB 11643-1999)', () => {
  it('accepts the official NPPA test identities', () => {
    expect(parseIdNumber('110000190101010001', TODAY)).toEqual({ ok: true, idNumber: '110000190101010001', birthDate: '1901-01-01', regionCode: '110000' });
    expect(parseIdNumber('11000019010101001X', TODAY)).toMatchObject({ ok: true, birthDate: '1901-01-01' });
  });

  it.each([
    ['a lowercase x', withCheck('11000019010101001').toLowerCase(), { ok: true, idNumber: '11000019010101001X' }],
    ['29 February of a leap year', withCheck('11010120120229001'), { ok: true, birthDate: '2012-02-29' }],
    ['29 February of a common year', withCheck('11010120110229001'), { ok: false, reason: 'birth_date' }],
    ['31 April', withCheck('11010120100431001'), { ok: false, reason: 'birth_date' }],
    ['a birth date after today', withCheck('11010120261124001'), { ok: false, reason: 'birth_date' }],
    ['born today', withCheck('11010120261123001'), { ok: true }],
    ['born before 1900', withCheck('11010118991231001'), { ok: false, reason: 'birth_date' }],
    ['a wrong check digit', '110101201205010018', { ok: false, reason: 'check_digit' }],
    ['17 characters', '11010120120501001', { ok: false, reason: 'format' }],
    ['a letter inside', '1101012012O5010017', { ok: false, reason: 'format' }],
    ['region 99', withCheck('99010120120501001'), { ok: false, reason: 'region' }],
    ['surrounding spaces', ` ${withCheck('11010120120501001')} `, { ok: true }],
  ] as const)('%s', (_name, raw, expected) => {
    expect(parseIdNumber(raw, TODAY)).toMatchObject(expected);
  });

  it('accepts exactly one of the 11 check characters for any valid body', () => {
    const body = fc
      .tuple(fc.constantFrom('11', '31', '44', '65'), fc.integer({ min: 1000, max: 9999 }), fc.integer({ min: Date.parse('1950-01-01'), max: Date.parse('2020-12-31') }), fc.integer({ min: 0, max: 999 }))
      .map(([p, r, ms, seq]) => `${p}${r}${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`);
    fc.assert(
      fc.property(body, (b) => {
        expect([...'0123456789X'].filter((c) => parseIdNumber(b + c, TODAY).ok)).toEqual([checkCharacter(b)]);
      }),
    );
  });
});

describe('NPPA crypto and PI (official vectors, NPPA.md)', () => {
  const key = '2836e95fcd10e04b0069bb1ee659955b';
  const payload =
    'CqT/33f3jyoiYqT8MtxEFk3x2rlfhmgzhxpHqWosSj4d3hq2EbrtVyx2aLj565ZQNTcPrcDipnvpq/D/vQDaLKW70O83Q42zvR0//OfnYLcIjTPMnqa+SOhsjQrSdu66ySSORCAo';

  it('decrypts the official payload', () => {
    expect(decryptBody(payload, key)).toBe('{"ai":"test-accountId","name":"用户姓名","idNum":"371321199012310912"}');
  });

  it('signs the official example', () => {
    const input = { secretKey: key, headers: { appId: 'test-appId', bizId: 'test-bizId', timestamps: '1584949895758' }, query: { id: 'test-id', name: 'test-name' }, body: JSON.stringify({ data: payload }) };
    expect(signatureBase(input)).toBe(`${key}appIdtest-appIdbizIdtest-bizIdidtest-idnametest-nametimestamps1584949895758{"data":"${payload}"}`);
    expect(signRequest(input)).toBe('386c03b776a28c06b8032a958fbd89337424ef45c62d0422706cca633d8ad5fd');
  });

  it('round-trips and refuses another key', () => {
    const sealed = encryptBody('{"a":1}', key);
    expect(decryptBody(sealed, key)).toBe('{"a":1}');
    expect(() => decryptBody(sealed, 'ffffffffffffffffffffffffffffffff')).toThrow();
  });

  it('reads the birth date from a PI', () => {
    expect(birthDateFromPi('1hpfml09b57f3f8185f8cb5094ea3f26278efb')).toBe('2010-01-01');
    expect(birthDateFromPi('not-a-pi')).toBeNull();
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1900-01-01'), max: Date.parse('2030-12-31') }), (ms) => {
        const date = new Date(ms).toISOString().slice(0, 10);
        expect(birthDateFromPi(piPrefixForBirthDate(date) + 'a'.repeat(32))).toBe(date);
      }),
    );
  });
});
