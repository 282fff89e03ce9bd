// Paths on the command line become ByteSources; a missing file is a usage error, not an ENOENT trace.

import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { GraftError } from '../model/errors';
import type { ByteSource } from '../formats/source';
import type { ModelFiles } from '../formats/readModel';

export function pathSource(path: string, role: string): ByteSource {
  if (!existsSync(path)) throw new GraftError('usage', `${role} ${path} does not exist`);
  if (statSync(path).isDirectory()) {
    throw new GraftError(
      'usage',
      `${role} ${path} is a directory; give the model file itself (.h5, .weights.h5, .keras or .json)`,
    );
  }
  return { kind: 'path', path, name: basename(path) };
}

export function modelFiles(path: string, arch: string | undefined, role: string): ModelFiles {
  return {
    weights: pathSource(path, role),
    arch: arch ? pathSource(arch, `${role} architecture`) : undefined,
  };
}
