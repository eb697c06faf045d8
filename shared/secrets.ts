/**
 * The gateway's secrets: the ID-number hashing pepper and the NPPA credentials. Deployed, they
 * come from Secrets Manager (`SECRET_ARN`), fetched once per container and cached; locally (and
 * in tests) from environment variables. Parsed with zod: a malformed secret fails the start.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';

const SecretDocument = z.object({
  pepper: z.string().min(16),
  nppaAppId: z.string().default(''),
  nppaBizId: z.string().default(''),
  nppaSecretKey: z.string().default(''),
  nppaPreviousSecretKey: z.string().default(''),
});
export type Secrets = z.infer<typeof SecretDocument>;

let cached: Promise<Secrets> | undefined;

async function load(): Promise<Secrets> {
  const arn = process.env.SECRET_ARN;
  if (arn) {
    const client = new SecretsManagerClient({});
    const value = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return SecretDocument.parse(JSON.parse(value.SecretString ?? '{}'));
  }
  return SecretDocument.parse({
    pepper: process.env.PEPPER,
    nppaAppId: process.env.NPPA_APP_ID,
    nppaBizId: process.env.NPPA_BIZ_ID,
    nppaSecretKey: process.env.NPPA_SECRET_KEY,
    nppaPreviousSecretKey: process.env.NPPA_PREVIOUS_SECRET_KEY,
  });
}

export function secrets(): Promise<Secrets> {
  return (cached ??= load().catch((error: unknown) => {
    cached = undefined;
    throw new Error(`secrets could not be loaded: ${(error as Error).name}`);
  }));
}
