// The last step of every write: the verified scratch file replaces the destination in one rename.

import { dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { GraftError } from '../model/errors';
import type { FileSystemH5Host } from '../formats/h5/h5Host';

export async function commitOutput(
  host: FileSystemH5Host,
  scratchPath: string,
  destination: string,
): Promise<void> {
  if (!existsSync(dirname(destination))) {
    host.removeScratch(scratchPath);
    throw new GraftError(
      'usage',
      `cannot write ${destination}: the folder ${dirname(destination)} does not exist`,
    );
  }
  try {
    await host.commitScratch(scratchPath, destination);
  } catch (error) {
    host.removeScratch(scratchPath);
    throw new GraftError('write', `cannot write ${destination}: ${(error as Error).message}`);
  }
}
