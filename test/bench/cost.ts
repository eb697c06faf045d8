/**
 * The README's cost model (*Cost model*) as arithmetic: what one player-hour costs at public list
 * prices, from figures measured through the gateway (test/support/playerHour.ts: HTTP requests and
 * DynamoDB write units of a login, the server-chosen heartbeats and the logout; the reporter's write
 * units per reported event, measured by the benchmark's reporter run).
 */

/** USD per request / unit (README, *Cost model*: us-east-1 on-demand list prices). */
export const PRICES = {
  httpApiPerRequest: 1.0 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  /** 512 MB × ~25 ms billed = 0.0125 GB-s × $0.0000133334. */
  lambdaComputePerRequest: 0.0125 * 0.0000133334,
  dynamoPerWriteUnit: 0.625 / 1e6,
};

export interface MeasuredHour {
  httpRequests: number;
  /** Write units of the session's requests (login, heartbeats, logout). */
  writeUnits: number;
}

export interface HourCost extends MeasuredHour {
  /** The two events (login, logout) reported to the national system. */
  reportingUnits: number;
  usd: number;
}

export function hourCost(hour: MeasuredHour, reportingUnitsPerEvent: number): HourCost {
  const reportingUnits = 2 * reportingUnitsPerEvent;
  const perRequest = PRICES.httpApiPerRequest + PRICES.lambdaPerRequest + PRICES.lambdaComputePerRequest;
  const usd = hour.httpRequests * perRequest + (hour.writeUnits + reportingUnits) * PRICES.dynamoPerWriteUnit;
  return { ...hour, reportingUnits, usd };
}

/** US$ per million player-hours, to the cent. */
export const perMillionHours = (cost: HourCost): number => Math.round(cost.usd * 1e6 * 100) / 100;
