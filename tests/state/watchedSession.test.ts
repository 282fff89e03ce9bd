// The app's watchdog over its worker: a call that never answers is failed with a message naming the
// file, the worker is replaced, the sides it still shows are read again and waiting calls are re-sent.
// The worker here is a Node worker thread running the real session (sessionWorker.mjs), so the loop is
// HDF5's own, on the file the fuzz test found.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import * as Comlink from 'comlink';
import { afterAll, describe, expect, it } from 'vitest';
import { createMapping } from '../../src/core/mapping';
import { createNodeH5Host } from '../../src/formats/h5/nodeH5Host';
import type { SessionPort } from '../../src/state/sessionClient';
import { loopMessage, readLimitMs, WatchedSession, type SessionWorker } from '../../src/state/watchedSession';
import { GraftSession } from '../../src/worker/graftSession';
import { isReadingFileMessage } from '../../src/worker/readingFileReport';
import type { Side, SideFiles } from '../../src/worker/sessionApi';
import { sharedAvailable, sharedFixture } from '../support/fixtures';

const LIMIT_MS = 2000;
const scratch = mkdtempSync(path.join(tmpdir(), 'graft-watched-'));
const workers: Worker[] = [];
afterAll(async () => {
  await Promise.all(workers.map((w) => w.terminate()));
  rmSync(scratch, { recursive: true, force: true });
});

function portOver(session: Pick<SessionPort, keyof SessionPort>): SessionPort {
  return {
    load: (side, files) => session.load(side, files),
    swapSides: () => session.swapSides(),
    autoMatch: (mapping) => session.autoMatch(mapping),
    plan: (mapping) => session.plan(mapping),
    preview: (mapping, target, index) => session.preview(mapping, target, index),
    exportWeights: (mapping, layout) => session.exportWeights(mapping, layout),
    report: (mapping) => session.report(mapping),
  };
}

function startThread(): SessionWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(new URL('./sessionWorker.mjs', import.meta.url), {
    workerData: { port: port2, scratchDir: scratch },
    transferList: [port2],
  });
  workers.push(worker);
  let reading: string | null = null;
  port1.addEventListener('message', (event) => {
    const data = (event as MessageEvent).data;
    if (isReadingFileMessage(data)) reading = data.graftReadingFile;
  });
  const remote = Comlink.wrap<GraftSession>(port1 as unknown as Comlink.Endpoint);
  return {
    port: portOver(remote as unknown as SessionPort),
    readingFile: () => reading,
    terminate: () => {
      port1.close();
      void worker.terminate();
    },
  };
}

function sideFiles(file: string, bytes: Uint8Array = readFileSync(file)): SideFiles {
  const weightsName = path.basename(file);
  return { weights: new Blob([bytes as Uint8Array<ArrayBuffer>]), weightsName };
}

describe('time limits', () => {
  it('are the base plus a second per 10 MB read', () => {
    expect(readLimitMs(60_000, 0)).toBe(60_000);
    expect(readLimitMs(60_000, 500 * 1024 * 1024)).toBe(110_000);
    expect(loopMessage('a.h5', 2500)).toMatch(/^a\.h5: reading the file did not finish in 2\.5 s; /);
  });
});

describe.skipIf(!sharedAvailable())('a worker stuck in HDF5 (skipped without ../shared)', () => {
  const lstm = sharedFixture('real', 'dl4j-testres__lstm_theano_1.h5');
  // vitest still runs a skipped describe's body to collect it, so read only when the file is there.
  const looping = sharedAvailable() ? readFileSync(lstm).fill(0, 2971, 2971 + 103) : Buffer.alloc(0);

  it('fails the stuck load, re-reads the source into a fresh worker and sends the waiting load again', async () => {
    let started = 0;
    const unreadable: [Side, string][] = [];
    const session = new WatchedSession({
      start: () => {
        started += 1;
        return startThread();
      },
      baseLimitMs: LIMIT_MS,
      onUnreadable: (side, message) => unreadable.push([side, message]),
    });
    await session.load('source', sideFiles(sharedFixture('keras-apps', 'vggmini_source.h5')));

    const t0 = Date.now();
    const stuck = session.load('target', sideFiles(path.join(scratch, 'looping-lstm.h5'), looping));
    // Sent while the worker loops: it must come back from the fresh worker.
    const next = session.load('target', sideFiles(sharedFixture('keras-apps', 'vggmini_noblock4_target.h5')));
    await expect(stuck).rejects.toMatchObject({
      name: 'GraftError',
      message:
        'looping-lstm.h5: reading the file did not finish in 2 s; the file is damaged in a way that makes the HDF5 library loop - re-save or re-download it',
    });
    expect(Date.now() - t0).toBeLessThan(LIMIT_MS + 3000);
    expect((await next).spec.layers).toHaveLength(19);
    expect(started).toBe(2);
    // A new file that never loaded is reported by its own load, not as a held side gone bad.
    expect(unreadable).toEqual([]);

    // Both sides are in the fresh worker: matching and planning need them.
    const matched = await session.autoMatch(createMapping());
    const plan = await session.plan(matched.mapping);
    expect(plan.layers.filter((l) => l.source !== null).length).toBeGreaterThan(5);
  });
});

describe.skipIf(!sharedAvailable())('a plan that never answers (the worker is a stand-in)', () => {
  it('names the file being read, drops that side from the fresh worker and keeps the other', async () => {
    const host = await createNodeH5Host();
    const loads: { worker: number; side: Side }[] = [];
    let started = 0;
    // The real session in-process, except that plan hangs the way a looping HDF5 read would.
    const start = (): SessionWorker => {
      const worker = ++started;
      const session = new GraftSession(host);
      const port = portOver(session);
      return {
        port: {
          ...port,
          load: (side, files) => {
            loads.push({ worker, side });
            return port.load(side, files);
          },
          plan: () => new Promise(() => {}),
        },
        readingFile: () => 'vggmini_source.h5',
        terminate: () => session.close(),
      };
    };
    const unreadable: [Side, string][] = [];
    const session = new WatchedSession({
      start,
      baseLimitMs: 300,
      onUnreadable: (side, message) => unreadable.push([side, message]),
    });
    await session.load('source', sideFiles(sharedFixture('keras-apps', 'vggmini_source.h5')));
    await session.load('target', sideFiles(sharedFixture('keras-apps', 'vggmini_noblock4_target.h5')));
    await expect(session.plan(createMapping())).rejects.toThrow(
      /^vggmini_source\.h5: reading the file did not finish/,
    );
    expect(unreadable.map(([side]) => side)).toEqual(['source']);
    expect(unreadable[0][1]).toMatch(/^vggmini_source\.h5: .* HDF5 library loop/);
    // The fresh worker holds the target again, not the source it was stuck on.
    await expect(session.autoMatch(createMapping())).rejects.toThrow(/load a source weight file first/);
    expect(loads.filter((l) => l.worker === 2).map((l) => l.side)).toEqual(['target']);
  });
});
