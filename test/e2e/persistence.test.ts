/**
 * `npm start --persist DIR` killed with SIGKILL mid-session: after a restart on the
 * same folder, the session, the spending counters and the NPPA outbox are intact, and no Java
 * process outlives either run.
 */
import { spawn, execSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '#infra/local/ports';
import { DEFAULT_GAME_ID } from '#shared/settings';
import { OUTBOX_SHARDS, outboxQueuePrefix } from '#shared/storage/keys';
import { createDocumentClient } from '#shared/storage/dynamo';
import { client, deployed } from '#test/support/gateway';
import { person } from '#test/support/people';
import { gone, outputMatching } from '#test/support/events';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const dir = mkdtempSync(join(tmpdir(), 'persist-'));
const running: ChildProcess[] = [];

async function start(port: number): Promise<{ child: ChildProcess; dynamo: string }> {
  const child = spawn('node_modules/.bin/tsx', ['infra/local/main.ts', '--persist', dir], {
    env: { ...process.env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await outputMatching(child, /^(?=[\s\S]*listening on http)(?=[\s\S]*DynamoDB Local at \S+)/, () => out);
  return { child, dynamo: /DynamoDB Local at (\S+)/.exec(out)![1]! };
}

const exited = (child: ChildProcess): Promise<void> =>
  new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));

const killGroup = (child: ChildProcess, signal: NodeJS.Signals) => {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    /* gone */
  }
};

async function queuedEvents(endpoint: string): Promise<number> {
  const db = createDocumentClient({ endpoint, region: 'local' });
  let n = 0;
  for (let shard = 0; shard < OUTBOX_SHARDS; shard += 1) {
    const r = await db.send(
      new QueryCommand({
        TableName: 'playguard-local',
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :s',
        ExpressionAttributeValues: { ':s': `${outboxQueuePrefix(DEFAULT_GAME_ID)}${shard}` },
      }),
    );
    n += r.Count ?? 0;
  }
  db.destroy();
  return n;
}

// "[d]" keeps the pattern from matching the shell that runs pgrep.
const javaProcesses = (): number => Number(execSync(`pgrep -fc "[d]bPath ${dir}" || true`).toString().trim() || 0);
const javaPids = (): number[] => execSync(`pgrep -f "[d]bPath ${dir}" || true`).toString().split('\n').filter(Boolean).map(Number);

afterAll(() => running.forEach((c) => killGroup(c, 'SIGKILL')));

// Local-only: kills and restarts the runner.
describe.skipIf(deployed)('a persisted local gateway killed with SIGKILL', () => {
  it(
    'keeps sessions, counters and the outbox across a restart',
    async () => {
      const port = await freePort();
      const first = await start(port);
      const api = client(`http://127.0.0.1:${port}`);
      const token = await api.token('persisted-player');
      expect((await api.call('POST', '/v1/identity', { token, body: person('1990-01-01') })).status).toBe(200);
      const session = await api.call('POST', '/v1/sessions', { token, body: { deviceId: 'persisted-phone' } });
      expect(session.status).toBe(201);
      expect((await api.call('POST', '/v1/payments', { token, body: { orderId: randomUUID(), amount: 1234 } })).status).toBe(201);
      const queued = await queuedEvents(first.dynamo);
      expect(queued).toBeGreaterThanOrEqual(1);

      // The whole group gets SIGKILL, Java included: each of them is gone (waited for, not timed).
      const firstJava = javaPids();
      expect(firstJava.length).toBeGreaterThan(0);
      killGroup(first.child, 'SIGKILL');
      await Promise.all([exited(first.child), ...firstJava.map(gone)]);
      expect(javaProcesses()).toBe(0);

      const second = await start(port);
      const beat = await api.call('POST', `/v1/sessions/${session.body.sessionId}/heartbeat`, { token, body: { seq: 1 } });
      expect(beat.status).toBe(200);
      expect(beat.body.action).toBe('continue');
      expect((await api.call('GET', '/v1/identity', { token })).body.status).toBe('verified');
      const again = await api.call('POST', '/v1/sessions', { token, body: { deviceId: 'another-phone' } });
      expect(again.body.code).toBe('session_active_elsewhere');
      expect(await queuedEvents(second.dynamo)).toBe(queued);

      // SIGTERM: the runner stops DynamoDB Local and exits; Java goes with it (waited for, not timed).
      const secondJava = javaPids();
      expect(secondJava.length).toBeGreaterThan(0);
      killGroup(second.child, 'SIGTERM');
      await Promise.all([exited(second.child), ...secondJava.map(gone)]);
      expect(javaProcesses()).toBe(0);
    },
    HEAVY_TEST_MS,
  );
});
