/** `npm start` parses every setting with the functions' schema before it listens (shared/settings.ts). */
import { afterEach, describe, expect, it } from 'vitest';
import { startLocalGateway } from '#infra/local/gateway';
import { deployed } from '#test/support/gateway';

describe.skipIf(deployed)('the local gateway start', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it.each([
    ['RISK_POLICY', '{"maxAcountsPerDevice":0}', 'invalid configuration: RISK_POLICY: invalid risk policy: Unrecognized key: "maxAcountsPerDevice"'],
    [
      'PLAY_POLICY',
      '{"preset":"nppa-2019","workday":{"budgetMinutes":120}}',
      "invalid configuration: PLAY_POLICY: daily play budget on workday days 120 min exceeds the law's 90 min",
    ],
    ['RESERVATION_TTL_SECONDS', 'soon', 'invalid configuration: RESERVATION_TTL_SECONDS:'],
  ])('refuses %s=%s before listening, naming it', async (variable, value, message) => {
    process.env[variable] = value;
    await expect(startLocalGateway({ dynamoEndpoint: 'http://127.0.0.1:9', tableName: 'never-created' })).rejects.toThrow(message);
  });

  it('refuses PUBLISHER_KEYS naming a file that holds a private key, or none, before listening', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const file = `${mkdtempSync('/tmp/pg-start-')}/jwks.json`;
    writeFileSync(
      file,
      JSON.stringify({ keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'leaked' }] }),
    );
    process.env.PUBLISHER_KEYS = file;
    await expect(startLocalGateway({ dynamoEndpoint: 'http://127.0.0.1:9', tableName: 'never-created' })).rejects.toThrow(
      `PUBLISHER_KEYS: ${file} key "leaked" is a private key`,
    );
    process.env.PUBLISHER_KEYS = '/nonexistent/jwks.json';
    await expect(startLocalGateway({ dynamoEndpoint: 'http://127.0.0.1:9', tableName: 'never-created' })).rejects.toThrow(
      'PUBLISHER_KEYS: cannot read /nonexistent/jwks.json',
    );
  });
});
