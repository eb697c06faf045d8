/**
 * `npm run load [-- --players N] [--seed S] [--concurrency C] [--json report.json]`: a Friday
 * evening, 19:55–21:05, through the local gateway over real HTTP on its virtual clock
 * (test/load/driver.ts), then the invariants from the table and the national system's record
 * (test/load/invariants.ts). Progress on stderr; the JSON report on stdout (or in --json's file).
 * Exits 1 when an invariant fails. Default size: 2,000 players, about 10 minutes on a 2-core machine.
 * Not part of `npm test` (a smoke-size run is: test/load/load.test.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { drive } from '#test/load/driver';
import { checkInvariants } from '#test/load/invariants';
import { buildReport, summary } from '#test/load/report';

const { values } = parseArgs({ options: { players: { type: 'string' }, seed: { type: 'string' }, concurrency: { type: 'string' }, json: { type: 'string' } } });
const positive = (name: string, v: string | undefined, fallback: number): number => {
  const n = v === undefined ? fallback : Number(v);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`--${name} must be a positive whole number (got ${v})\n`);
    process.exit(2);
  }
  return n;
};

const recorded = await drive({
  players: positive('players', values.players, 2000),
  seed: positive('seed', values.seed, 20261127),
  concurrency: positive('concurrency', values.concurrency, 64),
  progress: (line) => process.stderr.write(`load: ${line}\n`),
});
try {
  const report = buildReport(recorded, await checkInvariants(recorded));
  process.stderr.write(`${summary(report)}\n`);
  const json = JSON.stringify(report, null, 2);
  if (values.json) writeFileSync(values.json, `${json}\n`);
  else process.stdout.write(`${json}\n`);
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await recorded.gateway.stop();
}
