/**
 * The README's cost model (*Cost model*) as arithmetic: requests and DynamoDB write units per
 * player-hour times the same public list prices. Heartbeats come from the server's own cadence
 * (shared/sessions/service.ts `nextHeartbeatSeconds`): a minor's one-hour window, an adult's hour.
 */
import { nextHeartbeatSeconds } from '#shared/sessions/service';
import type { PlayDecision } from '#shared/domain/playTime';

/** USD per request / unit (README, *Cost model*: us-east-1 on-demand list prices). */
export const PRICES = {
  httpApiPerRequest: 1.0 / 1e6,
  lambdaPerRequest: 0.2 / 1e6,
  /** 512 MB × ~25 ms billed = 0.0125 GB-s × $0.0000133334. */
  lambdaComputePerRequest: 0.0125 * 0.0000133334,
  dynamoPerWriteUnit: 0.625 / 1e6,
};
/** Write units of the other calls of a session (README): login, logout, reporting the two events. */
export const WRITE_UNITS = { login: 14, logout: 12, reporting: 4 };
/** The sweeper's index key moves once per 10-minute bucket (shared/sessions/repository.ts). */
const SWEEP_BUCKET_SECONDS = 600;

/** Heartbeat instants (seconds from login) over one hour of play, as the server schedules them. */
export function heartbeatsPerHour(minor: boolean): number[] {
  const at: number[] = [];
  for (let t = 0; t < 3600; ) {
    const remainingSeconds = minor ? 3600 - t : null;
    t += nextHeartbeatSeconds({ minor, remainingSeconds } as PlayDecision);
    at.push(Math.min(t, 3600));
  }
  return at;
}

export interface PlayerHour {
  heartbeats: number;
  httpRequests: number;
  writeUnits: number;
  usd: number;
}

export function playerHour(minor: boolean): PlayerHour {
  const beats = heartbeatsPerHour(minor);
  // Each heartbeat: 1 unit on the table and 1 on the index, 2 on the index when the key moves bucket.
  let heartbeatUnits = 0;
  let prev = 0;
  for (const t of beats) {
    heartbeatUnits += Math.floor(t / SWEEP_BUCKET_SECONDS) !== Math.floor(prev / SWEEP_BUCKET_SECONDS) ? 3 : 2;
    prev = t;
  }
  const httpRequests = beats.length + 2;
  const writeUnits = heartbeatUnits + WRITE_UNITS.login + WRITE_UNITS.logout + WRITE_UNITS.reporting;
  const usd = httpRequests * (PRICES.httpApiPerRequest + PRICES.lambdaPerRequest + PRICES.lambdaComputePerRequest) + writeUnits * PRICES.dynamoPerWriteUnit;
  return { heartbeats: beats.length, httpRequests, writeUnits, usd };
}

/** US$ per million player-hours, to the cent. */
export function costPerMillionHours(): { minorPerMillionHours: number; adultPerMillionHours: number; minor: PlayerHour; adult: PlayerHour } {
  const minor = playerHour(true);
  const adult = playerHour(false);
  const perMillion = (h: PlayerHour) => Math.round(h.usd * 1e6 * 100) / 100;
  return { minorPerMillionHours: perMillion(minor), adultPerMillionHours: perMillion(adult), minor, adult };
}
