/** One DynamoDB Local for the whole run (it takes seconds to start); suites get fresh tables. */
import type { TestProject } from 'vitest/node';
import { startDynamoLocal, type DynamoLocal } from '#infra/local/dynamoLocal';

let dynamo: DynamoLocal | undefined;

export async function setup(project: TestProject): Promise<void> {
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
