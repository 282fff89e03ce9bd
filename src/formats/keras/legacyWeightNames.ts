// Canonical weight names from the names legacy files store. Every writer spelled them differently:
//   Keras 1        `dense_1_W`, `lstm_1_W_i`, `batchnormalization_1_running_std` (`:0` with TF)
//   Keras 2 / tf   `conv1/kernel:0`, `lstm/lstm_cell/kernel:0`, `bidirectional/forward_lstm/...`
//   Keras 3 legacy `sequential/dense/kernel`, `inner_model/inner_dense/kernel` (no `:0`)
// The canonical name is the Keras 2/3 variable name without layer or model scope: `kernel`, `gamma`.
// Scopes that only repeat names (RNN cells, a TimeDistributed's inner layer) are dropped; a scope is
// kept only where it tells two weights apart (`query/kernel` vs `key/kernel` in MultiHeadAttention).
// Bidirectional weights are `forward_layer/<name>` and `backward_layer/<name>`, the attribute names
// Keras 3 uses for the two directions, whatever the file called them (`forward_lstm_1`, ...).

/** Drops the TensorFlow output index (`:0`) and Keras 2.2's de-duplication suffix (`:0_1`). */
export function stripVariableSuffix(name: string): string {
  return name.replace(/:\d+(_\d+)?$/, '');
}

/** `a//b/kernel:0` -> ['a', 'b', 'kernel']. */
export function nameComponents(storedName: string): string[] {
  return stripVariableSuffix(storedName)
    .split('/')
    .filter((c) => c !== '');
}

/** Keras 1 variable suffixes, longest first so `W_i` wins over `W`. */
const KERAS_ONE_SUFFIXES = [
  'depthwise_kernel',
  'pointwise_kernel',
  'running_mean',
  'running_std',
  'W_carry',
  'b_carry',
  'gamma',
  'beta',
  'alphas',
  'betas',
  ...['i', 'c', 'f', 'o', 'z', 'r', 'h'].flatMap((g) => [`W_${g}`, `U_${g}`, `b_${g}`]),
  'W',
  'U',
  'b',
];

/** True when a stored name is Keras 1 style (`<layer>_<var>`, no scope separator). */
export function isKerasOneName(storedName: string): boolean {
  return !stripVariableSuffix(storedName).includes('/');
}

/**
 * The variable part of a Keras 1 name: `dense_1_W` -> `W`, `lstm_1_W_i` -> `W_i`. Keras 1 named every
 * variable `<layer name>_<var>`; a name that does not start with its layer's name (a wrapped layer,
 * `forward_lstm_1_W_i`) is matched against the known suffixes instead.
 */
export function kerasOneSuffix(storedName: string, layerName: string): string {
  const name = stripVariableSuffix(storedName);
  if (name.startsWith(`${layerName}_`)) return name.slice(layerName.length + 1);
  const known = KERAS_ONE_SUFFIXES.find((s) => name === s || name.endsWith(`_${s}`));
  return known ?? name;
}

/** Keras 1 variable suffix -> Keras 2 variable name, for the (Keras 2 spelling of the) layer class. */
export function kerasOneCanonicalName(suffix: string, className: string | null): string {
  switch (suffix) {
    case 'W':
      return className === 'Embedding' ? 'embeddings' : 'kernel';
    case 'U':
      return 'recurrent_kernel';
    case 'b':
      return 'bias';
    case 'running_mean':
      return 'moving_mean';
    // Keras >= 1.1 keeps the batch *variance* in `running_std` (K.normalize_batch_in_training returns
    // var, K.batch_normalization divides by sqrt(var + eps)) and Keras 2 loads it into moving_variance
    // unchanged. Keras 1.0.x stored a true standard deviation; the reader notes that ambiguity.
    case 'running_std':
      return 'moving_variance';
    case 'alphas':
      return 'alpha';
    default:
      return suffix;
  }
}

/**
 * Removes leading components that name the layer itself or an enclosing model (`sequential/dense/kernel`
 * in layer `dense` -> ['kernel']). At least one component always remains.
 */
export function dropScopes(components: string[], scopes: ReadonlySet<string>): string[] {
  let i = 0;
  while (i < components.length - 1 && scopes.has(components[i])) i++;
  return components.slice(i);
}

/**
 * Names for one layer's weights from their scope-free components: the last component when it is
 * unique in the layer, else the full remaining path; a duplicate that still collides gets `_<n>`.
 */
export function uniqueWeightNames(rests: string[][]): string[] {
  const lastCount = new Map<string, number>();
  for (const r of rests) lastCount.set(r[r.length - 1], (lastCount.get(r[r.length - 1]) ?? 0) + 1);
  const used = new Set<string>();
  return rests.map((r) => {
    const last = r[r.length - 1];
    let name = lastCount.get(last) === 1 ? last : r.join('/');
    if (used.has(name)) {
      let n = 1;
      while (used.has(`${name}_${n}`)) n++;
      name = `${name}_${n}`;
    }
    used.add(name);
    return name;
  });
}

/** Whether a Keras 2/3 component names one direction of a Bidirectional wrapper. */
export function directionOf(component: string): 'forward_layer' | 'backward_layer' | null {
  if (component.startsWith('forward_')) return 'forward_layer';
  if (component.startsWith('backward_')) return 'backward_layer';
  return null;
}
