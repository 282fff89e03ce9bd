// Which of the files the user dropped or picked for one side is the weights file and which is its
// architecture. The worker decides what a file is by its content; here only the pairing is decided,
// and a `.json` goes with the weights file dropped next to it.

import type { SideFiles } from '../worker/sessionApi';

export interface PickedFile {
  name: string;
  size: number;
  blob: Blob;
}

export type SidePick = { ok: true; files: SideFiles; label: string } | { ok: false; error: string };

const isJson = (name: string) => name.toLowerCase().endsWith('.json');

/**
 * Pair picked files into one side's input. `previous` is what that side was loaded from: a lone
 * `.json` dropped on a side that already has a weights file becomes that file's architecture, and a
 * lone weights file keeps the architecture picked before only if it was picked together (never
 * silently reused for a different weights file).
 */
export function pairSideFiles(picked: readonly PickedFile[], previous: SideFiles | null): SidePick {
  if (picked.length === 0) return { ok: false, error: 'no file was given' };
  const json = picked.filter((f) => isJson(f.name));
  const other = picked.filter((f) => !isJson(f.name));
  if (other.length > 1) {
    return { ok: false, error: `one weights file per side: got ${other.map((f) => f.name).join(', ')}` };
  }
  if (json.length > 1) {
    return { ok: false, error: `one architecture JSON per side: got ${json.map((f) => f.name).join(', ')}` };
  }
  const weights = other[0];
  const arch = json[0];
  if (weights && arch) {
    return {
      ok: true,
      files: { weights: weights.blob, weightsName: weights.name, arch: arch.blob, archName: arch.name },
      label: `${weights.name} + ${arch.name}`,
    };
  }
  if (weights)
    return { ok: true, files: { weights: weights.blob, weightsName: weights.name }, label: weights.name };
  if (previous?.weights && previous.weightsName) {
    return {
      ok: true,
      files: {
        weights: previous.weights,
        weightsName: previous.weightsName,
        arch: arch.blob,
        archName: arch.name,
      },
      label: `${previous.weightsName} + ${arch.name}`,
    };
  }
  // An architecture alone is a model without values: it can be a target, and the planner says what is missing.
  return { ok: true, files: { arch: arch.blob, archName: arch.name }, label: arch.name };
}

/** The file that names a side for persistence: the weights file, or the architecture when alone. */
export function sideIdentity(files: SideFiles): { name: string; size: number } {
  if (files.weights) return { name: files.weightsName ?? 'weights', size: files.weights.size };
  return { name: files.archName ?? 'architecture.json', size: files.arch?.size ?? 0 };
}
