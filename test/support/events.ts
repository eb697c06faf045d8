/**
 * Waiting for what a child process or the operating system does, with no deadline of its own: a
 * test waits for the event, and only its timeout (test/support/timeouts.ts) says it is missing.
 */
import type { ChildProcess } from 'node:child_process';

/** Resolves with the output so far once `pattern` appears in what `child` writes (stdout or stderr); rejects if it exits first. */
export function outputMatching(child: ChildProcess, pattern: RegExp, seen: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(seen())) {
        done();
        resolve(seen());
      }
    };
    const exited = () => {
      done();
      reject(new Error(`exited before ${pattern}: ${seen().slice(-800)}`));
    };
    const done = () => {
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', exited);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', exited);
    if (child.exitCode !== null || child.signalCode !== null) exited();
    else check();
  });
}

/**
 * Resolves once `condition()` holds, asking again every 100 ms: for what the operating system does
 * without telling (a process gone from the process table). No deadline.
 */
export async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((r) => setTimeout(r, 100));
}

/** Resolves when the process `pid` no longer exists. */
export const gone = (pid: number): Promise<void> =>
  until(() => {
    try {
      process.kill(pid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code !== 'EPERM';
    }
  });
