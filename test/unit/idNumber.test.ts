import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkCharacter, parseIdNumber } from '#shared/domain/idNumber';

const TODAY = '2026-11-23';
const withCheck = (body17: string) => body17 + checkCharacter(body17);

describe('ID numbers (GB 11643-1999)', () => {
  it('accepts the official NPPA test identities', () => {
    expect(parseIdNumber('110000190101010001', TODAY)).toEqual({ ok: true, idNumber: '110000190101010001', birthDate: '1901-01-01', regionCode: '110000' });
    expect(parseIdNumber('11000019010101001X', TODAY)).toEqual({ ok: true, idNumber: '11000019010101001X', birthDate: '1901-01-01', regionCode: '110000' });
    expect(parseIdNumber('110000190201010009', TODAY)).toEqual({ ok: true, idNumber: '110000190201010009', birthDate: '1902-01-01', regionCode: '110000' });
  });

  it.each(['11', '12', '13', '14', '15', '21', '22', '23', '31', '37', '41', '46', '50', '54', '61', '65', '71', '81', '82', '83', '91'])(
    'accepts province code %s',
    (p) => {
      expect(parseIdNumber(withCheck(`${p}000019900101001`), TODAY).ok).toBe(true);
    },
  );

  it.each(['00', '10', '16', '20', '24', '30', '38', '40', '47', '49', '55', '60', '66', '70', '72', '80', '84', '90', '92', '99'])(
    'refuses province code %s',
    (p) => {
      expect(parseIdNumber(withCheck(`${p}000019900101001`), TODAY)).toEqual({ ok: false, reason: 'region' });
    },
  );

  it.each([
    ['11000019010101000', '1'],
    ['11000019010101001', 'X'],
    ['37132119901231091', '6'],
    ['44030420120501123', '5'],
    ['11010120120229001', '7'],
    ['65010219000101001', '6'],
    ['81000020081002002', '8'],
  ])('the check character of %s is %s (ISO 7064 MOD 11-2)', (body, check) => {
    expect(checkCharacter(body)).toBe(check);
  });

  it.each([
    ['440304201205011235', { ok: true, idNumber: '440304201205011235', birthDate: '2012-05-01', regionCode: '440304' }],
    ['110101201202290017', { ok: true, idNumber: '110101201202290017', birthDate: '2012-02-29', regionCode: '110101' }],
    ['650102190001010016', { ok: true, idNumber: '650102190001010016', birthDate: '1900-01-01', regionCode: '650102' }],
    ['810000200810020028', { ok: true, idNumber: '810000200810020028', birthDate: '2008-10-02', regionCode: '810000' }],
    ['11000019010101001x', { ok: true, idNumber: '11000019010101001X', birthDate: '1901-01-01', regionCode: '110000' }],
    // The idNum inside the official encryption vector (docs/nppa.md) is sample text, not a valid number: its check character is 6.
    ['371321199012310912', { ok: false, reason: 'check_digit' }],
    ['371321199012310916', { ok: true, idNumber: '371321199012310916', birthDate: '1990-12-31', regionCode: '371321' }],
    ['110000190101010002', { ok: false, reason: 'check_digit' }],
    ['11000019010101001Y', { ok: false, reason: 'format' }],
    ['1100001901010100011', { ok: false, reason: 'format' }],
    ['', { ok: false, reason: 'format' }],
    ['X10000190101010001', { ok: false, reason: 'format' }],
    ['000000190101010001', { ok: false, reason: 'region' }],
  ] as const)('parses %s exactly', (raw, expected) => {
    expect(parseIdNumber(raw, TODAY)).toEqual(expected);
  });

  it('bounds the birth date by the Beijing day given, not the host clock', () => {
    const id = withCheck('11010120261124001');
    expect(parseIdNumber(id, '2026-11-23')).toEqual({ ok: false, reason: 'birth_date' });
    expect(parseIdNumber(id, '2026-11-24')).toEqual({ ok: true, idNumber: id, birthDate: '2026-11-24', regionCode: '110101' });
  });

  it.each([
    ['1900-01-01', true],
    ['1899-12-31', false],
    ['2000-02-29', true],
    ['1900-02-29', false],
    ['2011-02-29', false],
    ['2012-02-29', true],
    ['2012-13-01', false],
    ['2012-00-10', false],
    ['2012-06-31', false],
    ['2012-06-00', false],
  ])('birth date %s accepted = %s', (date, ok) => {
    const id = withCheck(`110101${date.replaceAll('-', '')}001`);
    expect(parseIdNumber(id, TODAY)).toEqual(ok ? { ok: true, idNumber: id, birthDate: date, regionCode: '110101' } : { ok: false, reason: 'birth_date' });
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
      .tuple(
        fc.constantFrom('11', '31', '44', '65'),
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: Date.parse('1950-01-01'), max: Date.parse('2020-12-31') }),
        fc.integer({ min: 0, max: 999 }),
      )
      .map(([p, r, ms, seq]) => `${p}${r}${new Date(ms).toISOString().slice(0, 10).replaceAll('-', '')}${String(seq).padStart(3, '0')}`);
    fc.assert(
      fc.property(body, (b) => {
        expect([...'0123456789X'].filter((c) => parseIdNumber(b + c, TODAY).ok)).toEqual([checkCharacter(b)]);
      }),
    );
  });
});
