/**
 * The gateway's secrets: the ID-number hashing pepper, the NPPA credentials and the webhook secret. Deployed, they
 * come from Secrets Manager (`SECRET_ARN`), read at the first use and again once they are older than
 * five minutes, so a rotated NPPA key reaches warm containers within minutes, not at their
 * next cold start. A failed re-read keeps the document already held (and says so in the log); only
 * a container that never read it fails. Locally (no SECRET_ARN) they come from environment
 * variables. Parsed with zod: a malformed secret fails the start.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from '#shared/zod';
import { log } from '#shared/log';

const SecretDocument = z.object({
  pepper: z.string().check(z.minLength(16)),
  nppaAppId: z._default(z.string(), ''),
  nppaBizId: z._default(z.string(), ''),
  nppaSecretKey: z._default(z.string(), ''),
  nppaPreviousSecretKey: z._default(z.string(), ''),
  /** Signs webhook requests (shared/notifications/signature.ts); empty while webhooks are off. */
  webhookSecret: z._default(z.string(), ''),
});
export type Secrets = z.infer<typeof SecretDocument>;

async function load(): Promise<Secrets> {
  const arn = process.env.SECRET_ARN;
  if (arn) {
    const client = new SecretsManagerClient({});
    const value = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return z.parse(SecretDocument, JSON.parse(value.SecretString ?? '{}'));
  }
  return z.parse(SecretDocument, {
    pepper: process.env.PEPPER,
    nppaAppId: process.env.NPPA_APP_ID,
    nppaBizId: process.env.NPPA_BIZ_ID,
    nppaSecretKey: process.env.NPPA_SECRET_KEY,
    nppaPreviousSecretKey: process.env.NPPA_PREVIOUS_SECRET_KEY,
    webhookSecret: process.env.WEBHOOK_SECRET,
  });
}

/** How long a container keeps the secret document before reading it again. */
export const SECRET_MAX_AGE_MS = 5 * 60_000;

let held: { value: Secrets; readAt: number } | undefined;
let reading: Promise<Secrets> | undefined;

/** Real time on purpose: the age of a cached secret has nothing to do with the gateway's clock. */
export function secrets(): Promise<Secrets> {
  if (held && Date.now() - held.readAt < SECRET_MAX_AGE_MS) return Promise.resolve(held.value);
  return (reading ??= load()
    .then((value) => {
      held = { value, readAt: Date.now() };
      return value;
    })
    .catch((error: unknown) => {
      if (held) {
        log.warn('secrets could not be re-read: keeping the ones held', { error: (error as Error).name });
        held = { value: held.value, readAt: Date.now() };
        return held.value;
      }
      throw new Error(`secrets could not be loaded: ${(error as Error).name}`);
    })
    .finally(() => {
      reading = undefined;
    }));
}
