/**
 * NPPA body encryption, request signature and PI against the official vectors of docs/nppa.md
 * (接口对接技术规范 V1.8), and the protocol's pure rules (errcode classes, loginout batch rules).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptBody, encryptBody, signatureBase, signRequest, type SignInput } from '#shared/nppa/crypto';
import { birthDateFromPi, piPrefixForBirthDate } from '#infra/local/nppaPi';
import { classifyErrcode, loginoutRefusals, type ErrcodeClass } from '#shared/nppa/protocol';
import { OFFICIAL_TEST_PIS } from '#infra/local/nppaSimulator';

const KEY = '2836e95fcd10e04b0069bb1ee659955b';
const PAYLOAD = 'CqT/33f3jyoiYqT8MtxEFk3x2rlfhmgzhxpHqWosSj4d3hq2EbrtVyx2aLj565ZQNTcPrcDipnvpq/D/vQDaLKW70O83Q42zvR0//OfnYLcIjTPMnqa+SOhsjQrSdu66ySSORCAo';
const PLAINTEXT = '{"ai":"test-accountId","name":"用户姓名","idNum":"371321199012310912"}';
const OTHER_KEY = 'ffffffffffffffffffffffffffffffff';

describe('body encryption (AES-128-GCM)', () => {
  it('decrypts the official payload', () => {
    expect(decryptBody(PAYLOAD, KEY)).toBe(PLAINTEXT);
  });

  it('re-encrypts the official plaintext to the official payload with its IV', () => {
    const iv = Buffer.from(PAYLOAD, 'base64').subarray(0, 12);
    expect(encryptBody(PLAINTEXT, KEY, iv)).toBe(PAYLOAD);
  });

  it('lays out IV ‖ ciphertext ‖ tag: 12 + UTF-8 length + 16 bytes', () => {
    const sealed = Buffer.from(encryptBody(PLAINTEXT, KEY), 'base64');
    expect(sealed.length).toBe(12 + Buffer.byteLength(PLAINTEXT, 'utf8') + 16);
  });

  it('uses a fresh random IV each time', () => {
    expect(encryptBody(PLAINTEXT, KEY)).not.toBe(encryptBody(PLAINTEXT, KEY));
  });

  it.each([
    ['a wrong key', PAYLOAD, OTHER_KEY],
    [
      'a flipped ciphertext byte',
      (() => {
        const b = Buffer.from(PAYLOAD, 'base64');
        b[20] = b[20]! ^ 1;
        return b.toString('base64');
      })(),
      KEY,
    ],
    [
      'a flipped tag byte',
      (() => {
        const b = Buffer.from(PAYLOAD, 'base64');
        b[b.length - 1] = b[b.length - 1]! ^ 1;
        return b.toString('base64');
      })(),
      KEY,
    ],
    ['a payload shorter than IV + tag', Buffer.alloc(27).toString('base64'), KEY],
  ])('refuses %s', (_name, payload, key) => {
    expect(() => decryptBody(payload, key)).toThrow();
  });

  it.each([
    ['31 hex characters', KEY.slice(1)],
    ['not hex', 'zz36e95fcd10e04b0069bb1ee659955b'],
    ['empty', ''],
  ])('refuses a secret key that is %s, without echoing it', (_name, key) => {
    expect(() => encryptBody(PLAINTEXT, key)).toThrow('NPPA secret key must be 32 hex characters');
    expect(() => decryptBody(PAYLOAD, key)).toThrow('NPPA secret key must be 32 hex characters');
  });

  it('refuses an IV that is not 12 bytes', () => {
    expect(() => encryptBody(PLAINTEXT, KEY, Buffer.alloc(16))).toThrow('IV must be 12 bytes');
  });

  it('round-trips any text, and another key never opens it', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (text, keyBytes) => {
        const key = Buffer.from(keyBytes).toString('hex');
        const sealed = encryptBody(text, key);
        expect(decryptBody(sealed, key)).toBe(text);
        const other = Buffer.from(keyBytes.map((b, i) => (i === 0 ? b ^ 0x80 : b))).toString('hex');
        expect(() => decryptBody(sealed, other)).toThrow();
      }),
      { numRuns: 200 },
    );
  });
});

describe('request signature (SHA-256)', () => {
  const official: SignInput = {
    secretKey: KEY,
    headers: { appId: 'test-appId', bizId: 'test-bizId', timestamps: '1584949895758' },
    query: { id: 'test-id', name: 'test-name' },
    body: JSON.stringify({ data: PAYLOAD }),
  };

  it('builds the official signature string', () => {
    expect(signatureBase(official)).toBe(`${KEY}appIdtest-appIdbizIdtest-bizIdidtest-idnametest-nametimestamps1584949895758{"data":"${PAYLOAD}"}`);
  });

  it('signs the official example', () => {
    expect(signRequest(official)).toBe('386c03b776a28c06b8032a958fbd89337424ef45c62d0422706cca633d8ad5fd');
  });

  it('does not depend on the order the query was given in', () => {
    expect(signRequest({ ...official, query: { name: 'test-name', id: 'test-id' } })).toBe('386c03b776a28c06b8032a958fbd89337424ef45c62d0422706cca633d8ad5fd');
  });

  it('signs a GET with no query and an empty body', () => {
    const get: SignInput = { secretKey: KEY, headers: official.headers, body: '' };
    expect(signatureBase(get)).toBe(`${KEY}appIdtest-appIdbizIdtest-bizIdtimestamps1584949895758`);
    expect(signRequest(get)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['the body', { ...official, body: official.body + ' ' }],
    ['the timestamp', { ...official, headers: { ...official.headers, timestamps: '1584949895759' } }],
    ['a query value', { ...official, query: { id: 'test-id', name: 'test-nam' } }],
    ['the key', { ...official, secretKey: OTHER_KEY }],
  ])('changes with %s', (_name, input) => {
    expect(signRequest(input)).not.toBe('386c03b776a28c06b8032a958fbd89337424ef45c62d0422706cca633d8ad5fd');
  });
});

describe('PI (用户唯一标识)', () => {
  it('reads the official example', () => {
    expect(birthDateFromPi('1hpfml09b57f3f8185f8cb5094ea3f26278efb')).toBe('2010-01-01');
    expect(piPrefixForBirthDate('2010-01-01')).toBe('1hpfml');
  });

  it("reads the official test system's PIs as the 1901 birth dates of its preset identities", () => {
    expect(OFFICIAL_TEST_PIS.map(birthDateFromPi)).toEqual([
      '1901-01-01',
      '1901-01-02',
      '1901-01-03',
      '1901-01-04',
      '1901-01-01',
      '1901-01-02',
      '1901-01-03',
      '1901-01-04',
    ]);
  });

  it.each([
    ['1900-01-01', '1ff0h3'],
    ['2030-12-31', '1ib1af'],
  ])('writes %s as %s', (date, prefix) => {
    expect(piPrefixForBirthDate(date)).toBe(prefix);
  });

  it.each([
    ['not a PI', 'not-a-pi'],
    ['37 characters', '1hpfml09b57f3f8185f8cb5094ea3f26278ef'],
    ['39 characters', '1hpfml09b57f3f8185f8cb5094ea3f26278efba'],
    ['a letter above p in the date part', '1hpfmz09b57f3f8185f8cb5094ea3f26278efb'],
    ['upper case', '1HPFML09B57F3F8185F8CB5094EA3F26278EFB'],
    ['month 13 (2010-13-01)', `${piPrefixForBirthDate('2010-13-01')}${'a'.repeat(32)}`],
  ])('rejects %s', (_name, pi) => {
    expect(birthDateFromPi(pi)).toBeNull();
  });

  // Date.parse rolls 2011-02-29 and 2010-04-31 over instead of rejecting them: a PI must still decode only to real dates.
  it.each([
    ['29 February of a common year', '2011-02-29'],
    ['31 April', '2010-04-31'],
  ])('rejects an impossible date: %s', (_name, date) => {
    expect(birthDateFromPi(`${piPrefixForBirthDate(date)}${'a'.repeat(32)}`)).toBeNull();
  });

  it('round-trips every birth date 1900–2030', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.parse('1900-01-01T00:00:00Z') / 86_400_000, max: Date.parse('2030-12-31T00:00:00Z') / 86_400_000 }),
        fc.stringMatching(/^[0-9a-z]{32}$/),
        (day, tail) => {
          const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
          const prefix = piPrefixForBirthDate(date);
          expect(prefix).toMatch(/^[0-9a-p]{6}$/);
          expect(birthDateFromPi(prefix + tail)).toBe(date);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('errcode classes (what the caller does about each)', () => {
  const expected: Array<[ErrcodeClass, number[]]> = [
    ['ok', [0]],
    ['retry', [1001]],
    ['rate_limited', [1006]],
    ['expired', [1007]],
    ['configuration', [1002, 1003, 1004, 1005, 1008, 1009, 1010, 1011, 1012]],
    ['partial', [3001]],
    ['data', [2001, 2002, 2003, 2004, 3002, 3003, 3004, 3005, 3006, 3007, 3008, 3009, 3010, 4001, 4002, 4003]],
    ['unknown', [-1, 1, 1000, 1013, 2000, 2005, 3000, 3011, 4000, 4004, 5000]],
  ];
  it.each(expected)('%s: %j', (kind, codes) => {
    expect(codes.map(classifyErrcode)).toEqual(codes.map(() => kind));
  });
});

describe('loginout batch rules', () => {
  const TS = 1_790_000_000_000; // the request's timestamps, ms
  const pi = '1hpfml09b57f3f8185f8cb5094ea3f26278efb';
  const item = (no: number, extra: Record<string, unknown> = {}) => ({ no, si: `s${no}`, bt: 1, ot: TS / 1000 - 10, ct: 0, pi, ...extra });

  it('refuses an empty batch (3002) and one of 129 items (3003) as a whole', () => {
    expect(loginoutRefusals([], TS)).toEqual({ batch: 3002 });
    expect(loginoutRefusals(undefined, TS)).toEqual({ batch: 3002 });
    expect(
      loginoutRefusals(
        Array.from({ length: 129 }, (_, i) => item(i + 1)),
        TS,
      ),
    ).toEqual({ batch: 3003 });
    expect(
      loginoutRefusals(
        Array.from({ length: 128 }, (_, i) => item(i + 1)),
        TS,
      ),
    ).toEqual({ items: Array.from({ length: 128 }, () => null) });
  });

  it('judges time over the batch: earliest ot less than 180 s before timestamps, latest before it', () => {
    const at = (...ots: number[]) =>
      loginoutRefusals(
        ots.map((ot, i) => item(i + 1, { ot })),
        TS,
      );
    const t = TS / 1000;
    expect(at(t - 179, t - 1)).toEqual({ items: [null, null] });
    expect(at(t - 180, t - 1)).toEqual({
      items: [
        { no: 1, errcode: 3005, errmsg: 'bad time' },
        { no: 2, errcode: 3005, errmsg: 'bad time' },
      ],
    });
    expect(at(t - 10, t)).toEqual({
      items: [
        { no: 1, errcode: 3005, errmsg: 'bad time' },
        { no: 2, errcode: 3005, errmsg: 'bad time' },
      ],
    });
    expect(at((t - 10) * 1000)).toEqual({ items: [{ no: 1, errcode: 3005, errmsg: 'bad time' }] });
    expect(at(t - 10.5)).toEqual({ items: [{ no: 1, errcode: 3005, errmsg: 'bad time' }] });
  });

  it.each([
    ['no out of sequence', item(2), 3004],
    ['a reversed or unknown bt', item(1, { bt: 2 }), 3007],
    ['ct 1', item(1, { ct: 1 }), 3006],
    ['a verified user without pi', item(1, { pi: undefined }), 3008],
    ['a verified user with a malformed pi', item(1, { pi: pi.toUpperCase() }), 3010],
    ['a guest without di', item(1, { ct: 2, pi: undefined }), 3009],
    ['a session id longer than 32', item(1, { si: 'x'.repeat(33) }), 3004],
  ])('refuses an item with %s', (_name, bad, errcode) => {
    expect(loginoutRefusals([bad], TS)).toEqual({ items: [expect.objectContaining({ errcode })] });
  });

  it('accepts a guest with di and no pi, and logouts (bt 0)', () => {
    expect(loginoutRefusals([item(1, { ct: 2, pi: undefined, di: 'device' }), item(2, { bt: 0 })], TS)).toEqual({ items: [null, null] });
  });
});
