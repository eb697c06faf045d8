/**
 * One DynamoDB Local for the whole run (it takes seconds to start); suites get fresh tables.
 * Against a deployment (`PLAYGUARD_URL`) there is nothing to start: only the token command is checked.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type DynamoLocal } from '#infra/local/dynamoLocal';

const CLIENT = join(import.meta.dirname, '..', '..', 'packages', 'client');

/** Newest modification time of the files under a folder. */
const newest = (dir: string): number =>
  readdirSync(dir, { recursive: true, withFileTypes: true }).reduce((m, e) => (e.isFile() ? Math.max(m, statSync(join(e.parentPath, e.name)).mtimeMs) : m), 0);

/**
 * Tests import @playguard/client as a game does, from its build (packages/client/dist). `npm test`
 * builds it first; a single file run after a change to its sources (`npx vitest run …`) builds it here.
 */
function buildClientIfStale(): void {
  const built = join(CLIENT, 'dist', 'cjs', 'package.json');
  if (existsSync(built) && statSync(built).mtimeMs >= Math.max(newest(join(CLIENT, 'src')), statSync(join(CLIENT, 'tsconfig.json')).mtimeMs)) return;
  execFileSync(process.execPath, [join(CLIENT, 'scripts', 'build.mjs')], { stdio: 'inherit' });
}

let dynamo: DynamoLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
  buildClientIfStale();
  if (process.env.PLAYGUARD_URL) {
    if (!URL.canParse(process.env.PLAYGUARD_URL)) throw new Error(`PLAYGUARD_URL is not a URL: ${process.env.PLAYGUARD_URL}`);
    if (!process.env.PLAYGUARD_TOKEN_COMMAND) throw new Error('PLAYGUARD_URL is set but PLAYGUARD_TOKEN_COMMAND is not: set it to a shell command that prints a token for $PLAYGUARD_SUB and $PLAYGUARD_SCOPE (README: Verifying a deployment)');
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
