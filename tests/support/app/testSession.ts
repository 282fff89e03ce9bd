// Test support: the stores wired to the real session in-process (Node host instead of the worker),
// with the demo pair from public/demo loaded through the sides store as the app would.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createNodeH5Host } from '../../../src/formats/h5/nodeH5Host';
import { GraftSession } from '../../../src/worker/graftSession';
import { useSessionForTesting } from '../../../src/state/sessionClient';
import { useSidesStore } from '../../../src/state/sidesStore';
import { connectMappingToSides, useMappingStore } from '../../../src/state/mappingStore';
import { connectPlanToMapping } from '../../../src/state/planStore';
import type { KeyValueStorage } from '../../../src/state/mappingPersistence';

export const DEMO_DIR = path.resolve(__dirname, '../../../public/demo');
export const demoAvailable =
  existsSync(path.join(DEMO_DIR, 'source.h5')) && existsSync(path.join(DEMO_DIR, 'target.keras'));

export async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function memoryStorage(): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
}

function picked(name: string) {
  const bytes = readFileSync(path.join(DEMO_DIR, name));
  return [{ name, size: bytes.length, blob: new Blob([bytes]) }];
}

/** Load the demo pair and wait for the first match; returns the function that disconnects everything. */
export async function openDemoPair(storage: KeyValueStorage): Promise<() => void> {
  useSessionForTesting(new GraftSession(await createNodeH5Host()));
  const disconnect = [connectMappingToSides(storage), connectPlanToMapping(0)];
  for (const [side, name] of [
    ['source', 'source.h5'],
    ['target', 'target.keras'],
  ] as const) {
    if (!(await useSidesStore.getState().load(side, picked(name)))) {
      throw new Error(`${name}: ${useSidesStore.getState()[side].error}`);
    }
  }
  const mapping = useMappingStore.getState;
  await until(
    () => mapping().pairKey !== null && mapping().busy === null && mapping().history.present.links.length > 0,
    'the first match',
  );
  return () => {
    for (const off of disconnect) off();
    useSessionForTesting(null);
  };
}
