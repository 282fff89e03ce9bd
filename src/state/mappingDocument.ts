// Loading a mapping file the user picked: the same JSON the CLI reads and writes. An invalid document
// leaves the current mapping as it is and says what is wrong.

import { isGraftError, type ModelSpec } from '../model';
import { parseMapping } from '../core/mapping';
import { replaceMapping, type MappingHistory } from './mappingHistory';

export type MappingLoad =
  { history: MappingHistory; error: null } | { history: MappingHistory; error: string };

export function loadMappingText(
  history: MappingHistory,
  text: string,
  models: { source: ModelSpec; target: ModelSpec } | undefined,
): MappingLoad {
  try {
    const mapping = parseMapping(text, models);
    return { history: replaceMapping(history, mapping), error: null };
  } catch (error) {
    if (!isGraftError(error)) throw error;
    return { history, error: error.message };
  }
}
