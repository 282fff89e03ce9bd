// Does this architecture describe this weights file? Keras itself pairs weighted layers by position
// and would load a wrong JSON silently or fail deep inside; we compare names of weighted layers (the
// only thing a legacy file reliably shares with its architecture) and the output width of Dense and
// convolution kernels, and say plainly which layers differ.

import type { LayerSpec } from '../../model/modelSpec';
import { GraftError } from '../../model/errors';
import type { StoredLayer } from './legacyWeightGroups';
import { descendantsOf } from './nestedWeights';
import { kerasTwoClassName } from './kerasOneClasses';
import { expectedWeights } from './weightCatalog';

const SHOWN = 4;

/** The first few items, then how many more. */
function listSome(items: string[]): string {
  const shown = items.slice(0, SHOWN).join(', ');
  return items.length > SHOWN ? `${shown} and ${items.length - SHOWN} more` : shown;
}

const quoted = (name: string) => `"${name}"`;

/** true: the config implies weights; false: it implies none; null: unknown class. */
function impliesWeights(layer: LayerSpec, layers: LayerSpec[]): boolean | null {
  if (layer.children !== undefined) {
    const inner = descendantsOf(layer, layers)
      .filter((l) => l.children === undefined)
      .map((l) => impliesWeights(l, layers));
    if (inner.includes(true)) return true;
    return inner.includes(null) ? null : false;
  }
  const expected = expectedWeights(layer.className ?? '', layer.config);
  return expected === null ? null : expected.length > 0;
}

function fail(label: string, problems: string[], fromJson: boolean): never {
  const question = fromJson
    ? 'Is this JSON the architecture of this weights file?'
    : 'The model_config stored in the file does not describe its model_weights; was the file edited?';
  throw new GraftError(
    'architecture',
    `${label}: the architecture does not match the weights: ${problems.join('; ')}. ${question}`,
  );
}

/** Throws GraftError('architecture') when the top-level weighted layers of file and architecture differ. */
export function checkLayerPairing(
  label: string,
  archLayers: LayerSpec[],
  stored: StoredLayer[],
  fromJson: boolean,
): void {
  const top = new Map(archLayers.filter((l) => l.path.length === 0).map((l) => [l.name, l]));
  const weighted = stored.filter((s) => s.weights.length > 0);
  const weightedNames = new Set(weighted.map((s) => s.name));
  const notInArch = weighted.filter((s) => !top.has(s.name)).map((s) => quoted(s.name));
  const weightless = weighted
    .filter((s) => top.has(s.name) && impliesWeights(top.get(s.name)!, archLayers) === false)
    .map((s) => `${quoted(s.name)} (${top.get(s.name)!.className})`);
  const notInFile = [...top.values()]
    .filter((l) => !weightedNames.has(l.name) && impliesWeights(l, archLayers) === true)
    .map((l) => quoted(l.name));
  const problems: string[] = [];
  if (notInArch.length)
    problems.push(`layers with weights in the file but not in the architecture: ${listSome(notInArch)}`);
  if (weightless.length)
    problems.push(
      `layers with weights in the file that have none in the architecture: ${listSome(weightless)}`,
    );
  if (notInFile.length)
    problems.push(`layers of the architecture without weights in the file: ${listSome(notInFile)}`);
  if (problems.length) fail(label, problems, fromJson);
}

/** The output width a Dense or convolution config declares (Keras 2/3 or Keras 1 keys). */
function declaredWidth(layer: LayerSpec): { key: string; value: number } | null {
  const cfg = layer.config ?? {};
  const cls = kerasTwoClassName(layer.className ?? '');
  const pick = (...keys: string[]) => {
    for (const key of keys) if (typeof cfg[key] === 'number') return { key, value: cfg[key] as number };
    return null;
  };
  if (cls === 'Dense') return pick('units', 'output_dim');
  if (cls === 'Conv1D' || cls === 'Conv2D' || cls === 'Conv3D') return pick('filters', 'nb_filter');
  return null;
}

/** Throws when a Dense/convolution kernel's last axis contradicts its config (after layout conversion). */
export function checkKernelWidths(label: string, layers: LayerSpec[], fromJson: boolean): void {
  const problems: string[] = [];
  for (const layer of layers) {
    const width = declaredWidth(layer);
    const kernel = layer.weights.find((w) => w.name === 'kernel');
    if (!width || !kernel || kernel.shape.length === 0) continue;
    const last = kernel.shape[kernel.shape.length - 1];
    if (last !== width.value) {
      problems.push(
        `${quoted(layer.id)} (${layer.className}, ${width.key} ${width.value}) has a kernel of shape (${kernel.shape.join(', ')})`,
      );
    }
  }
  if (problems.length) fail(label, [listSome(problems)], fromJson);
}
