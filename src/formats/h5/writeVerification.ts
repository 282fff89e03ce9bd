// Re-opens a file H5Writer produced and checks it against the writer's record with the ordinary
// reader: h5wasm can fail without a word, so a file is only handed to the user once every group,
// every fixed-length string attribute and every dataset's shape, dtype and bits are confirmed.

import { GraftError } from '../../model/errors';
import type { H5Lib } from './h5Host';
import { H5Reader } from './h5Reader';
import type { WriteRecord } from './h5Writer';
import { checksumBytes } from './byteChecksum';

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Throws GraftError('write') naming the first difference between the file and the record. */
export function verifyWrittenFile(lib: H5Lib, path: string, label: string, record: WriteRecord): void {
  const fail = (what: string): never => {
    throw new GraftError('write', `${label}: the written file did not verify (${what}); nothing was saved.`);
  };
  const reader = new H5Reader(lib, path, label);
  try {
    for (const group of record.groups) {
      // Listing a group proves it is one; `isGroup` would list its parent, quadratic on a wide root.
      try {
        reader.keys(group);
      } catch {
        fail(`group ${group} is missing`);
      }
    }
    for (const s of record.strings) {
      const info = reader.attrInfo(s.group, s.name);
      if (!info) fail(`attribute ${s.name} of ${s.group} is missing`);
      if (info!.kind !== 'string' || info!.vlen)
        fail(`attribute ${s.name} of ${s.group} is not a fixed-length string`);
      const expectedShape = s.scalar ? [] : [s.values.length];
      if (!sameList((info!.shape ?? []).map(String), expectedShape.map(String))) {
        fail(
          `attribute ${s.name} of ${s.group} has shape [${info!.shape?.join(', ')}], expected [${expectedShape.join(', ')}]`,
        );
      }
      const value = reader.attr(s.group, s.name);
      const values = typeof value === 'string' ? [value] : Array.isArray(value) ? value.map(String) : [];
      if (!sameList(values, s.values)) fail(`attribute ${s.name} of ${s.group} reads back different text`);
    }
    for (const e of record.emptyLists) {
      const info = reader.attrInfo(e.group, e.name);
      if (
        !info ||
        info.kind !== 'float' ||
        info.size !== 8 ||
        info.shape?.length !== 1 ||
        info.shape[0] !== 0
      ) {
        fail(`attribute ${e.name} of ${e.group} is not an empty float64 list`);
      }
    }
    for (const d of record.datasets) {
      const info = reader.datasetInfo(d.path);
      if (!sameList(info.shape.map(String), d.shape.map(String)) || info.dtype !== d.dtype) {
        fail(
          `${d.path} is ${info.dtype} [${info.shape.join(', ')}], expected ${d.dtype} [${d.shape.join(', ')}]`,
        );
      }
      const tensor = reader.read(d.path);
      const bytes = new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength);
      if (checksumBytes(bytes) !== d.checksum) fail(`${d.path} reads back different values`);
    }
  } finally {
    reader.close();
  }
}
