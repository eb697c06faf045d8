/**
 * The one clock of the gateway. Domain code takes `nowMs` as a parameter; the edges (handlers,
 * jobs, the NPPA client) read it from here. Deployed, it is the real clock and nothing can change
 * it: `useClockSource` is called only by the local runner (`PUT /__dev/clock`), which never ships.
 */
let source: () => number = Date.now;

export const clock = {
  now: (): number => source(),
};

export function useClockSource(next: () => number): void {
  source = next;
}

export function useRealClock(): void {
  source = Date.now;
}
