/**
 * One DynamoDB Local for the whole run (it takes seconds to start); suites get fresh tables.
 * Against a deployment (`PLAYGUARD_URL`) there is nothing to start: only the token command is checked.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type DynamoLocal } from '#infra/local/dynamoLocal';

/**
 * Tests import @playguard/client as a game does, from its build (packages/client/dist). `npm test`
 * builds it first; a single file run after a change to its sources (`npx vitest run …`) builds it here.
 */
function buildClientIfStale(): void {
  execFileSync(process.execPath, [join(import.meta.dirname, '..', '..', 'packages', 'client', 'scripts', 'build.mjs'), '--if-stale'], { stdio: 'inherit' });
}

let dynamo: DynamoLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  buildClientIfStale();
  if (process.env.PLAYGUARD_URL) {
    if (!URL.canParse(process.env.PLAYGUARD_URL)) throw new Error(`PLAYGUARD_URL is not a URL: ${process.env.PLAYGUARD_URL}`);
    if (!process.env.PLAYGUARD_TOKEN_COMMAND)
      throw new Error(
        'PLAYGUARD_URL is set but PLAYGUARD_TOKEN_COMMAND is not: set it to a shell command that prints a token for $PLAYGUARD_SUB and $PLAYGUARD_SCOPE (docs/deploy.md: Verifying a deployment)',
      );
    return;
  }
  dynamo = await startDynamoLocal();
  project.provide('dynamoEndpoint', dynamo.endpoint);
}

export async function teardown(): Promise<void> {
  await dynamo?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
