/**
 * How long a test may run before it counts as hung. Not a speed target (those are `npm run bench`'s
 * and `npm run load`'s), only a bound for a test whose work is heavy — a synth with cdk-nag, bundling,
 * a compiler, a browser, a child process — which a 2-core machine busy with other work must stay far
 * inside: on such a machine `cdk synth` took 97 s and a cdk-nag synth 58 s (docs/testing.md, *On a busy machine*). A test
 * never waits for wall time; it waits for events, and this is only how long to wait before calling
 * one missing.
 */
export const HEAVY_TEST_MS = 10 * 60_000;
