/**
 * The stats aggregator (shared/stats/service.ts): invoked by the table's change stream (an event
 * source mapping) and by CloudWatch Logs with the figure events of the player-facing functions
 * (a subscription filter on `$.stat`). Off every player's path; each record counts exactly once.
 */
import { gunzipSync } from 'node:zlib';
import { countLogEvents, countStreamRecords, type StreamRecord } from '#shared/stats/service';
import { statsDeps } from '#shared/services';
import { eventFunction } from '#shared/edge/job';

type Event = { Records?: StreamRecord[] } | { awslogs?: { data?: string } };

export const handler = eventFunction(async (event: Event) => {
  const deps = await statsDeps();
  if ('awslogs' in event && event.awslogs?.data) {
    const payload = JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8')) as {
      logEvents?: Array<{ id: string; message: string }>;
    };
    return countLogEvents(deps, payload.logEvents ?? []);
  }
  return countStreamRecords(deps, 'Records' in event ? (event.Records ?? []) : []);
});
