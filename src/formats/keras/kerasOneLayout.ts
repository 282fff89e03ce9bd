// Keras 1 weights in the Keras 2/3 layout, as Keras 2.2.4's `preprocess_weights_for_loading` converts
// them when the weights group has no `keras_version` (keras/engine/saving.py):
//   LSTM / ConvLSTM2D, 12 arrays  W_i U_i b_i W_c U_c b_c W_f U_f b_f W_o U_o b_o
//        -> kernel, recurrent_kernel, bias, gate blocks reordered i,c,f,o -> i,f,c,o (concat on the last axis)
//   GRU, 9 arrays  W_z U_z b_z W_r U_r b_r W_h U_h b_h -> kernel, recurrent_kernel, bias, gates z,r,h
//   Conv2D 'th' (channels_first)  (out, in, kh, kw) -> transpose (2,3,1,0) -> (kh, kw, in, out)
//   Conv3D 'th'                   transpose (2,3,4,1,0)
//   Conv2DTranspose               'tf' transpose (0,1,3,2); 'th' transpose (2,3,0,1) -> (kh, kw, out, in)
//   Conv1D                        (k, 1, in, out) -> drop axis 1; Keras 1.1 (out, in, k, 1) transposed first
// Two additions Keras 2 lacks, both following the Keras 1 TensorFlow backend's own kernel transposes:
// SeparableConvolution2D 'th' kernels are transposed (2,3,1,0), and a 'th' ConvLSTM2D is transposed per
// gate before concatenation (Keras 2.2.4 concatenates 'th' gate kernels on the kernel-width axis first).
// Everything is a TensorExpr over the stored arrays; nothing is copied.

import { GraftError } from '../../model/errors';
import type { StoredWeight } from './legacyWeightGroups';
import { kerasOneCanonicalName, kerasOneSuffix } from './legacyWeightNames';
import { concatExpr, readExpr, reshapeExpr, transposeExpr, type ShapedExpr } from './shapedExpr';

type Json = Record<string, unknown>;

export interface ConvertedWeight {
  name: string;
  value: ShapedExpr;
  storedName: string;
}

const LSTM_GATES = ['i', 'f', 'c', 'o']; // Keras 2 block order
const LSTM_STORED_ORDER = ['i', 'c', 'f', 'o']; // Keras 1 trainable_weights order
const GRU_GATES = ['z', 'r', 'h'];

const shapeText = (s: number[]) => `(${s.join(', ')})`;

function readOf(w: StoredWeight): ShapedExpr {
  return readExpr(w.path, w.shape, w.dtype);
}

/** 'th' (Keras 1 `dim_ordering`) or channels_first (a Keras 2 config describing a Keras 1 file). */
function channelsFirst(config: Json | null): boolean | null {
  if (!config) return null;
  if (config.dim_ordering === 'th' || config.data_format === 'channels_first') return true;
  if (config.dim_ordering === 'tf' || config.data_format === 'channels_last') return false;
  return null;
}

/**
 * The 12 (LSTM) or 9 (GRU) per-gate arrays concatenated into kernel, recurrent_kernel, bias; null when
 * the arrays are not a per-gate set. Gates are found by name (`W_i`); a set without gate names is taken
 * by position, as Keras 2 does.
 */
function concatenateGates(
  layerName: string,
  className: string | null,
  config: Json | null,
  items: { suffix: string; weight: StoredWeight }[],
  changes: string[],
): ConvertedWeight[] | null {
  const isLstmSet =
    items.length === 12 && (className === null || className === 'LSTM' || className === 'ConvLSTM2D');
  const isGruSet = items.length === 9 && (className === null || className === 'GRU');
  if (!isLstmSet && !isGruSet) return null;
  const gates = isLstmSet ? LSTM_GATES : GRU_GATES;
  const storedOrder = isLstmSet ? LSTM_STORED_ORDER : GRU_GATES;
  const bySuffix = new Map(items.map((it) => [it.suffix, it.weight]));
  const named = gates.every((g) => ['W', 'U', 'b'].every((v) => bySuffix.has(`${v}_${g}`)));
  if (!named && className === null) return null;
  const pick = (v: 'W' | 'U' | 'b', gate: string): StoredWeight => {
    if (named) return bySuffix.get(`${v}_${gate}`)!;
    return items[storedOrder.indexOf(gate) * 3 + ['W', 'U', 'b'].indexOf(v)].weight;
  };
  const th = className === 'ConvLSTM2D' && channelsFirst(config) === true;
  const part = (v: 'W' | 'U' | 'b', canonical: string): ConvertedWeight => {
    const sources = gates.map((g) => pick(v, g));
    const values = sources.map((w) => (th && v !== 'b' ? transposeExpr(readOf(w), [2, 3, 1, 0]) : readOf(w)));
    return {
      name: canonical,
      value: concatExpr(values, -1),
      storedName: `concat(${sources.map((w) => w.storedName).join(', ')})`,
    };
  };
  changes.push(
    `${layerName}: ${items.length} Keras 1 per-gate arrays concatenated into kernel, recurrent_kernel, bias (gate order ${gates.join(',')})`,
  );
  return [part('W', 'kernel'), part('U', 'recurrent_kernel'), part('b', 'bias')];
}

/** Keras 1 Conv1D kernels are 4-D; Keras 2 drops the unit axis (after un-transposing Keras 1.1's order). */
function conv1dKernel(value: ShapedExpr, config: Json | null): ShapedExpr | null {
  if (value.shape.length !== 4) return null;
  const [a, b, c, d] = value.shape;
  const length = typeof config?.filter_length === 'number' ? config.filter_length : null;
  const filters = typeof config?.nb_filter === 'number' ? config.nb_filter : null;
  const current = b === 1 && (length === null || a === length) && (filters === null || d === filters);
  if (current) return reshapeExpr(value, [a, c, d]);
  if (d === 1) {
    const t = transposeExpr(value, [2, 3, 1, 0]);
    return reshapeExpr(t, [t.shape[0], t.shape[2], t.shape[3]]);
  }
  throw new GraftError(
    'corrupt',
    `a Keras 1 Conv1D kernel of shape ${shapeText(value.shape)} has neither known layout`,
  );
}

/**
 * Without an architecture, a 4-D/5-D Keras 1 kernel is taken as Theano-ordered `(out, in, ...)` only
 * when its bias says so: the bias length equals the first axis and not the last.
 */
function guessChannelsFirstKernel(kernel: StoredWeight, bias: StoredWeight | undefined): boolean {
  if (!bias || bias.shape.length !== 1) return false;
  const s = kernel.shape;
  return bias.shape[0] === s[0] && bias.shape[0] !== s[s.length - 1];
}

/**
 * One Keras 1 layer's arrays in the Keras 2 layout. `className` is the Keras 2 spelling
 * (`kerasTwoClassName`), null without architecture. Conversions made are appended to `changes`.
 */
export function kerasOneLayerWeights(
  layerName: string,
  className: string | null,
  config: Json | null,
  stored: StoredWeight[],
  changes: string[],
): ConvertedWeight[] {
  const items = stored.map((weight) => ({ suffix: kerasOneSuffix(weight.storedName, layerName), weight }));
  const gates = concatenateGates(layerName, className, config, items, changes);
  if (gates) return gates;

  const th = channelsFirst(config);
  const bias = items.find((it) => it.suffix === 'b')?.weight;
  return items.map(({ suffix, weight }) => {
    const name = kerasOneCanonicalName(suffix, className);
    let value = readOf(weight);
    const transposed = (perm: number[], why: string) => {
      const before = value.shape;
      value = transposeExpr(value, perm);
      changes.push(
        `${layerName}: ${name} ${shapeText(before)} transposed (${perm.join(',')}) to ${shapeText(value.shape)} (${why})`,
      );
    };
    if (suffix === 'W') {
      const rank = value.shape.length;
      if (className === 'Conv1D') {
        const before = value.shape;
        const converted = conv1dKernel(value, config);
        if (converted) {
          value = converted;
          changes.push(
            `${layerName}: Keras 1 Conv1D kernel ${shapeText(before)} reshaped to ${shapeText(value.shape)}`,
          );
        }
      } else if (className === 'Conv2D' && th === true && rank === 4) {
        transposed([2, 3, 1, 0], 'Theano dim ordering (out, in, kh, kw)');
      } else if (className === 'Conv3D' && th === true && rank === 5) {
        transposed([2, 3, 4, 1, 0], 'Theano dim ordering (out, in, k1, k2, k3)');
      } else if (className === 'Conv2DTranspose' && rank === 4 && th !== null) {
        transposed(th ? [2, 3, 0, 1] : [0, 1, 3, 2], 'Keras 1 deconvolution kernel order');
      } else if (className === null && (rank === 4 || rank === 5) && guessChannelsFirstKernel(weight, bias)) {
        transposed(
          rank === 4 ? [2, 3, 1, 0] : [2, 3, 4, 1, 0],
          'guessed Theano dim ordering from the bias length; no architecture given',
        );
      }
    } else if (
      (suffix === 'depthwise_kernel' || suffix === 'pointwise_kernel') &&
      className === 'SeparableConv2D'
    ) {
      if (th === true && value.shape.length === 4) transposed([2, 3, 1, 0], 'Theano dim ordering');
    }
    return { name, value, storedName: weight.storedName };
  });
}
