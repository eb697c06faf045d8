/**
 * The AWS SDK's default credential chain, as a Lambda function needs it: the execution role's
 * credentials from the environment variables Lambda sets (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN). The stack's bundler puts this module in place of
 * `@aws-sdk/credential-provider-node` (infra/gatewayFunction.ts `LAMBDA_ALIASES`): the chain's other
 * providers (SSO, profiles and ini files, processes, web identity, instance metadata) and the STS/SSO
 * clients they carry are ~140 KB of every bundle and ~30 ms of every cold start that Lambda never uses.
 * The exports mirror that package's, so the clients' generated runtime configuration stays as it is.
 * The local runner and the tests run the real chain (they are not bundled).
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);

/** Same rules as the SDK's: credentials with an expiry are refreshed five minutes before it. */
export const credentialsWillNeedRefresh = (credentials: { expiration?: Date } | undefined): boolean => credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials: { expiration?: Date } | undefined): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
