// A tiny NHWC forward pass (batch 1, float64 arithmetic) for the numeric proof that a plan keeps a
// network's function. It walks a ModelSpec's own `inbound` refs (top level only), independent of
// src/core/graph, and supports the layers the proof networks use.

import type { LayerSpec, ModelSpec, Tensor } from '../../src/model';

export interface Activation {
  shape: number[];
  data: Float64Array;
}

/** Weights per layer id, in the layer's weight order. */
export type WeightValues = Map<string, Tensor[]>;

const numbers = (tensor: Tensor): ArrayLike<number> => tensor.data as Float32Array;

function conv2dSame(x: Activation, kernel: Tensor, bias: Tensor | undefined): Activation {
  const [h, w, cin] = x.shape;
  const [kh, kw, kin, cout] = kernel.shape;
  if (kin !== cin) throw new Error(`conv2d: input has ${cin} channels, kernel expects ${kin}`);
  const k = numbers(kernel);
  const out = new Float64Array(h * w * cout);
  const top = Math.floor((kh - 1) / 2);
  const left = Math.floor((kw - 1) / 2);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      for (let o = 0; o < cout; o++) {
        let sum = bias ? numbers(bias)[o] : 0;
        for (let dy = 0; dy < kh; dy++) {
          const sy = y + dy - top;
          if (sy < 0 || sy >= h) continue;
          for (let dx = 0; dx < kw; dx++) {
            const sx = xx + dx - left;
            if (sx < 0 || sx >= w) continue;
            for (let c = 0; c < cin; c++)
              sum += x.data[(sy * w + sx) * cin + c] * k[((dy * kw + dx) * cin + c) * cout + o];
          }
        }
        out[(y * w + xx) * cout + o] = sum;
      }
    }
  }
  return { shape: [h, w, cout], data: out };
}

function depthwiseSame(x: Activation, kernel: Tensor, bias: Tensor | undefined): Activation {
  const [h, w, c] = x.shape;
  const [kh, kw, kin, multiplier] = kernel.shape;
  if (kin !== c) throw new Error(`depthwise: input has ${c} channels, kernel expects ${kin}`);
  const k = numbers(kernel);
  const cout = c * multiplier;
  const out = new Float64Array(h * w * cout);
  const top = Math.floor((kh - 1) / 2);
  const left = Math.floor((kw - 1) / 2);
  for (let y = 0; y < h; y++) {
    for (let xx = 0; xx < w; xx++) {
      for (let ch = 0; ch < c; ch++) {
        for (let m = 0; m < multiplier; m++) {
          const o = ch * multiplier + m;
          let sum = bias ? numbers(bias)[o] : 0;
          for (let dy = 0; dy < kh; dy++) {
            const sy = y + dy - top;
            if (sy < 0 || sy >= h) continue;
            for (let dx = 0; dx < kw; dx++) {
              const sx = xx + dx - left;
              if (sx < 0 || sx >= w) continue;
              sum += x.data[(sy * w + sx) * c + ch] * k[((dy * kw + dx) * c + ch) * multiplier + m];
            }
          }
          out[(y * w + xx) * cout + o] = sum;
        }
      }
    }
  }
  return { shape: [h, w, cout], data: out };
}

function batchNorm(x: Activation, [gamma, beta, mean, variance]: Tensor[], epsilon: number): Activation {
  const c = x.shape[x.shape.length - 1];
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const ch = i % c;
    out[i] =
      (numbers(gamma)[ch] * (x.data[i] - numbers(mean)[ch])) / Math.sqrt(numbers(variance)[ch] + epsilon) +
      numbers(beta)[ch];
  }
  return { shape: [...x.shape], data: out };
}

function dense(x: Activation, kernel: Tensor, bias: Tensor): Activation {
  const [inputs, units] = kernel.shape;
  if (x.data.length !== inputs)
    throw new Error(`dense: input has ${x.data.length} features, kernel expects ${inputs}`);
  const k = numbers(kernel);
  const out = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let sum = numbers(bias)[u];
    for (let i = 0; i < inputs; i++) sum += x.data[i] * k[i * units + u];
    out[u] = sum;
  }
  return { shape: [units], data: out };
}

function runLayer(layer: LayerSpec, inputs: Activation[], weights: Tensor[]): Activation {
  const [x] = inputs;
  switch (layer.className) {
    case 'Conv2D':
      return conv2dSame(x, weights[0], weights[1]);
    case 'DepthwiseConv2D':
      return depthwiseSame(x, weights[0], weights[1]);
    case 'BatchNormalization':
      return batchNorm(x, weights, Number(layer.config?.epsilon ?? 0.001));
    case 'ReLU':
      return { shape: [...x.shape], data: x.data.map((v) => Math.max(0, v)) };
    case 'Add': {
      const data = new Float64Array(x.data.length);
      for (const input of inputs) for (let i = 0; i < data.length; i++) data[i] += input.data[i];
      return { shape: [...x.shape], data };
    }
    case 'Concatenate': {
      const [h, w] = x.shape;
      const widths = inputs.map((input) => input.shape[2]);
      const total = widths.reduce((a, b) => a + b, 0);
      const data = new Float64Array(h * w * total);
      for (let p = 0; p < h * w; p++) {
        let offset = 0;
        inputs.forEach((input, k) => {
          for (let c = 0; c < widths[k]; c++) data[p * total + offset + c] = input.data[p * widths[k] + c];
          offset += widths[k];
        });
      }
      return { shape: [h, w, total], data };
    }
    case 'Flatten':
      return { shape: [x.data.length], data: x.data };
    case 'Dense':
      return dense(x, weights[0], weights[1]);
    default:
      throw new Error(`forward pass: ${layer.className} is not supported`);
  }
}

/** Runs the model on one input; returns every layer's output by layer id. */
export function forward(model: ModelSpec, input: Activation, weights: WeightValues): Map<string, Activation> {
  const outputs = new Map<string, Activation>();
  for (const layer of model.layers) {
    if (layer.className === 'InputLayer') {
      outputs.set(layer.id, input);
      continue;
    }
    const inputs = (layer.inbound[0] ?? []).map((ref) => {
      const value = outputs.get(ref.layer);
      if (!value) throw new Error(`${layer.id}: input ${ref.layer} not computed yet`);
      return value;
    });
    outputs.set(layer.id, runLayer(layer, inputs, weights.get(layer.id) ?? []));
  }
  return outputs;
}

/** Keeps only the listed channels of an NHWC activation. */
export function channelsOf(x: Activation, keep: number[]): Activation {
  const c = x.shape[x.shape.length - 1];
  const positions = x.data.length / c;
  const data = new Float64Array(positions * keep.length);
  for (let p = 0; p < positions; p++)
    keep.forEach((ch, j) => (data[p * keep.length + j] = x.data[p * c + ch]));
  return { shape: [...x.shape.slice(0, -1), keep.length], data };
}

export function maxAbsDifference(a: Activation, b: Activation): number {
  if (a.data.length !== b.data.length) throw new Error(`sizes differ: ${a.shape} vs ${b.shape}`);
  let worst = 0;
  for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}

export function maxAbs(a: Activation): number {
  let worst = 0;
  for (const v of a.data) worst = Math.max(worst, Math.abs(v));
  return worst;
}
