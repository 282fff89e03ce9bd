// The contract between the app and the worker that holds the open files. Everything crossing it is
// plain data (structured-clone safe); the files themselves never leave the worker.

import type { ModelSpec } from '../model/modelSpec';
import type { Mapping } from '../model/mapping';
import type { TransferPlan } from '../model/plan';
import type { TensorStats } from '../core/tensor/tensorStats';

export type { TensorStats };
import type { OutputLayout } from '../model/modelSpec';

export type Side = 'source' | 'target';

/** What the user dropped for one side: a weights/model file and optionally its architecture JSON. */
export interface SideFiles {
  weights?: File | Blob;
  weightsName?: string;
  arch?: File | Blob;
  archName?: string;
}

export interface LoadedSide {
  side: Side;
  fileName: string;
  spec: ModelSpec;
}

export interface MatchSummary {
  mapping: Mapping;
  /** Weighted target layers with no link. */
  unmatched: string[];
  /** Pairs the matcher found but no adapter can fit (the target keeps its own values). */
  dropped: { target: string; source: string; reason: string }[];
}

export interface WeightPreview {
  source: TensorStats | null;
  result: TensorStats | null;
}

export interface ExportResult {
  fileName: string;
  bytes: Uint8Array;
  layout: OutputLayout;
}

export type ProgressCallback = (done: number, total: number, what: string) => void;

export interface SessionApi {
  /** Reads a side's files; throws a GraftError-shaped `{name:'GraftError', code, message}` on bad input. */
  load(side: Side, files: SideFiles, onProgress?: ProgressCallback): Promise<LoadedSide>;
  /** Exchanges the two sides (the user dropped them the wrong way round). */
  swapSides(): Promise<void>;
  autoMatch(mapping: Mapping): Promise<MatchSummary>;
  plan(mapping: Mapping): Promise<TransferPlan>;
  preview(mapping: Mapping, targetLayer: string, weightIndex: number): Promise<WeightPreview>;
  exportWeights(
    mapping: Mapping,
    layout: OutputLayout | null,
    onProgress?: ProgressCallback,
  ): Promise<ExportResult>;
  report(mapping: Mapping): Promise<string>;
}
