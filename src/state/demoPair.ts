// The demo pair shipped in public/demo: a ResNet-style source and a target with blocks cut, filters
// pruned and a new head. Opened on a first visit so the app shows what it does before anything is dropped.

import { useSidesStore } from './sidesStore';

export const DEMO_FILES = { source: 'source.h5', target: 'target.keras' } as const;

async function fetchFile(url: string, name: string): Promise<File> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${name}: the server answered ${response.status}`);
  return new File([await response.blob()], name);
}

/** Load both demo files (base: the app's base URL). Each side reports its own failure. */
export async function loadDemoPair(base: string): Promise<void> {
  const sides = useSidesStore.getState();
  for (const side of ['source', 'target'] as const) {
    const name = DEMO_FILES[side];
    let file: File;
    try {
      file = await fetchFile(`${base}demo/${name}`, name);
    } catch (error) {
      useSidesStore.setState((s) => ({
        [side]: { ...s[side], error: `demo file missing: ${(error as Error).message}` },
      }));
      continue;
    }
    await sides.load(side, [{ name, size: file.size, blob: file }]);
  }
}
