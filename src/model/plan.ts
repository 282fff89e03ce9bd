// What `planTransfer` answers: for every target tensor, where its values come from and how.
// The CLI prints it, the app draws it, the exporter evaluates it.

import type { TensorExpr } from './tensorExpr';
import type { LinkOrigin } from './mapping';

export type WeightStatus =
  | 'copied' // same shape, values taken as they are
  | 'reshaped' // same element count, different shape
  | 'converted' // a known layout conversion (Theano kernel, Keras 1 gates, ...)
  | 'sliced' // a subset of the source along shrunken axes
  | 'padded' // the source placed inside a larger tensor
  | 'adapted' // a mix of slicing and padding, or a spatial/Flatten change
  | 'kept-initial' // no source: the target's own value
  | 'zeroed' // no source: zeros
  | 'missing'; // no source and no value to keep: a problem

/** Every status, in the order reports and summaries list them. */
export const WEIGHT_STATUSES: readonly WeightStatus[] = [
  'copied',
  'reshaped',
  'converted',
  'sliced',
  'padded',
  'adapted',
  'kept-initial',
  'zeroed',
  'missing',
];

/** One step of how a target tensor is made, for people: `take axis 3: 32 of 64 by l1`. */
export interface TransformStep {
  kind: 'copy' | 'reshape' | 'convert' | 'slice' | 'pad' | 'replicate' | 'crop' | 'keep' | 'zeros';
  axis?: number;
  detail: string;
}

export interface WeightPlan {
  targetLayer: string;
  weight: string;
  targetShape: number[];
  sourceLayer: string | null;
  sourceWeight: string | null;
  sourceShape: number[] | null;
  status: WeightStatus;
  steps: TransformStep[];
  /** How to compute the value; references source reads (`read`) and the target's own (`target`). */
  expr: TensorExpr;
  /** Set when this tensor cannot be produced as the mapping says. */
  problem?: string;
}

export interface LayerPlan {
  target: string;
  source: string | null;
  origin: LinkOrigin | null;
  confidence: number;
  weights: WeightPlan[];
  problem?: string;
}

export interface TransferPlan {
  layers: LayerPlan[];
  /** Share of target parameters (element count) whose values come from the source. */
  coverage: number;
  counts: Record<WeightStatus, number>;
  /** Weighted target layers without a source. */
  unmatched: string[];
  /** Source layers with weights that feed nothing. */
  unusedSource: string[];
  problems: string[];
}
