// `layer_names` / `weight_names` exactly as Keras's `save_attributes_to_hdf5_group` stores them: a list
// larger than the HDF5 object header limit is split with np.array_split semantics into `name0`,
// `name1`, ... (no separator); an empty list is an empty float64 array. Every Keras loader (1.x
// excepted) reads the plain name first, then `name0..N` until one is missing.

import { GraftError } from '../../../model/errors';
import type { H5Writer } from '../../h5/h5Writer';

/** Keras's `HDF5_OBJECT_HEADER_LIMIT`. */
export const HDF5_OBJECT_HEADER_LIMIT = 64512;

/** np.array_split(values, parts): the first `length % parts` parts get one extra element. */
export function arraySplit<T>(values: T[], parts: number): T[][] {
  const base = Math.floor(values.length / parts);
  const extra = values.length % parts;
  const out: T[][] = [];
  let at = 0;
  for (let i = 0; i < parts; i++) {
    const size = base + (i < extra ? 1 : 0);
    out.push(values.slice(at, at + size));
    at += size;
  }
  return out;
}

/**
 * The chunks Keras would write: one chunk means the plain attribute. NumPy gives every chunk the
 * whole list's item size (the longest UTF-8 encoding), so a chunk's size is its count times that.
 */
export function chunkLikeKeras(values: string[], label: string): string[][] {
  const encoder = new TextEncoder();
  const itemSize = Math.max(1, ...values.map((v) => encoder.encode(v).length));
  if (itemSize > HDF5_OBJECT_HEADER_LIMIT) {
    throw new GraftError(
      'write',
      `${label}: a name is longer than ${HDF5_OBJECT_HEADER_LIMIT} bytes, which Keras cannot store either.`,
    );
  }
  let parts = 1;
  let chunks = arraySplit(values, parts);
  while (chunks.some((c) => c.length * itemSize > HDF5_OBJECT_HEADER_LIMIT)) {
    parts += 1;
    chunks = arraySplit(values, parts);
  }
  return chunks;
}

/** Writes a list of names as Keras does (plain, chunked, or empty). */
export function writeKerasNameList(writer: H5Writer, group: string, name: string, values: string[]): void {
  if (values.length === 0) {
    writer.writeEmptyList(group, name);
    return;
  }
  const chunks = chunkLikeKeras(values, writer.label);
  if (chunks.length === 1) {
    writer.writeStrings(group, name, values);
    return;
  }
  chunks.forEach((chunk, i) => writer.writeStrings(group, `${name}${i}`, chunk));
}
