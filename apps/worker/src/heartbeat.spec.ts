import { mkdtempSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { WorkerHeartbeat, heartbeatFile, heartbeatFresh } from './heartbeat';

const dir = mkdtempSync(join(tmpdir(), 'lc-heartbeat-'));
const settle = () => new Promise((r) => setTimeout(r, 50));

describe('worker heartbeat', () => {
  it('is fresh only while the file is younger than the limit', () => {
    const file = join(dir, 'fresh');
    writeFileSync(file, 'x');
    expect(heartbeatFresh(file, 30_000)).toBe(true);
    const old = (Date.now() - 31_000) / 1000;
    utimesSync(file, old, old);
    expect(heartbeatFresh(file, 30_000)).toBe(false);
    expect(heartbeatFresh(join(dir, 'missing'))).toBe(false);
  });

  it('beats only while the worker is healthy', async () => {
    const file = join(dir, 'beat');
    let healthy = false;
    const hb = new WorkerHeartbeat(file, async () => healthy, 20);
    hb.start();
    await settle();
    expect(heartbeatFresh(file)).toBe(false);
    healthy = true;
    await settle();
    expect(heartbeatFresh(file)).toBe(true);
    hb.stop();
  });

  it('a failing check (Redis or Postgres down) is no beat', async () => {
    const file = join(dir, 'failing');
    const hb = new WorkerHeartbeat(file, async () => Promise.reject(new Error('ECONNREFUSED')), 20);
    hb.start();
    await settle();
    hb.stop();
    expect(heartbeatFresh(file)).toBe(false);
  });

  it('WORKER_HEARTBEAT_FILE names the file', () => {
    expect(heartbeatFile({ WORKER_HEARTBEAT_FILE: '/run/lc/hb' })).toBe('/run/lc/hb');
    expect(heartbeatFile({})).toMatch(/liancheng-worker\.heartbeat$/);
  });
});
