/**
 * A local gateway in a process of its own, on the run's DynamoDB Local and a table the caller names:
 * the functions read their settings once per process (shared/settings.ts), as a deployment's do per
 * container, so a change of setting is a new process — a redeploy. Run by `startGatewayProcess`
 * with the settings in its environment; prints `listening on <url>` and stops when its stdin closes.
 */
import { startLocalGateway } from '#infra/local/gateway';

const gateway = await startLocalGateway({ dynamoEndpoint: process.env.DYNAMO_ENDPOINT!, tableName: process.env.TABLE_NAME!, schedule: false });
console.log(`listening on ${gateway.url}`);
process.stdin.resume();
process.stdin.on('end', () => void gateway.stop().then(() => process.exit(0)));
