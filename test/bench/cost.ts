/**
 * The cost model of docs/capacity.md (*Cost per player-hour*) for one player-hour, from figures measured through the
 * gateway (test/support/playerHour.ts: HTTP requests, write units as DynamoDB bills them and read
 * units of a login, the server-chosen heartbeats and the logout; the reporter's write units per
 * reported event, measured by the benchmark's reporter run), priced with everything else a
 * player-hour is billed (infra/capacity/model.ts `cost`: Lambda compute, the stats aggregator,
 * storage, CloudWatch Logs, X-Ray, data transfer), which the load test measures per player-hour.
 */
import { cost, type CostLine } from '#infra/capacity/model';
import { AS_BUILT, MEASURED } from '#infra/capacity/measured';
import { US_EAST_1 } from '#infra/capacity/prices';

export interface MeasuredHour {
  httpRequests: number;
  /** Write units of the session's requests (login, heartbeats, logout). */
  writeUnits: number;
  /** Read units of the same requests. */
  readUnits: number;
  /** Minors' heartbeats in the hour (0 for an adult). */
  minorHeartbeats: number;
}

export interface HourCost extends MeasuredHour {
  /** The two events (login, logout) reported to the national system. */
  reportingUnits: number;
  /** API Gateway, Lambda requests and the write units alone (the model before issue 28), USD. */
  narrowUsd: number;
  /** Everything billed for the hour, USD. */
  usd: number;
  lines: CostLine[];
}

export function hourCost(hour: MeasuredHour, reportingUnitsPerEvent: number): HourCost {
  const reportingUnits = 2 * reportingUnitsPerEvent;
  const m = {
    ...MEASURED,
    perPlayerHour: {
      ...MEASURED.perPlayerHour,
      apiRequests: hour.httpRequests,
      writeUnits: hour.writeUnits,
      readUnits: hour.readUnits,
      nppaEvents: 2,
      minorHeartbeats: hour.minorHeartbeats,
      jobsWriteUnits: reportingUnits,
    },
  };
  const c = cost(1, AS_BUILT, m, US_EAST_1);
  const p = US_EAST_1;
  // The old model: API Gateway, Lambda requests and ~25 ms at 512 MB, write units (the session's and the reporting's).
  const narrowUsd =
    hour.httpRequests * (p.httpApiRequest + p.lambdaRequest + 0.0125 * p.lambdaGbSecond) + (hour.writeUnits + reportingUnits) * p.dynamoWriteUnit;
  return { ...hour, reportingUnits, narrowUsd, usd: c.perMillionPlayerHours / 1e6, lines: c.perPlayerHour };
}

/** US$ per million player-hours, to the cent. */
export const perMillionHours = (usd: number): number => Math.round(usd * 1e6 * 100) / 100;
