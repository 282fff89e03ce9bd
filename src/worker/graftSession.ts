// The session composes formats and core: it holds the two open models, answers the app's questions
// (match, plan, preview, export) and is the same object the CLI drives in Node. Only plain data leaves it.

import { GraftError } from '../model/errors';
import type { LayerSpec, ModelSpec, OutputLayout } from '../model/modelSpec';
import type { Mapping } from '../model/mapping';
import type { TransferPlan, WeightPlan } from '../model/plan';
import type { Tensor, TensorExpr } from '../model/tensorExpr';
import { matchFeasibleLinks } from '../core/match';
import { planTransfer } from '../core/plan';
import { evaluateTensor } from '../core/tensor';
import { formatTransferReport } from '../core/report/transferReport';
import { tensorStats } from '../core/tensor/tensorStats';
import type { H5Host } from '../formats/h5/h5Host';
import type { OpenModel } from '../formats/openModel';
import { readModel, type ModelFiles } from '../formats/readModel';
import type { ByteSource } from '../formats/source';
import { layoutForFileName, writeModelFile } from '../formats/keras/write/writeModelFile';
import type {
  ExportResult,
  LoadedSide,
  MatchSummary,
  ProgressCallback,
  SessionApi,
  Side,
  SideFiles,
  WeightPreview,
} from './sessionApi';
import { TensorCache } from './tensorCache';

interface OpenSide {
  model: OpenModel;
  fileName: string;
}

const EXTENSION: Record<OutputLayout, string> = {
  'keras-legacy-weights': '.h5',
  'keras-legacy-model': '.h5',
  'keras3-weights': '.weights.h5',
  'keras3-archive': '.keras',
};

/** `resnet.keras` -> `resnet-grafted.keras`: the output keeps the target's name and layout. */
export function graftedFileName(targetName: string, layout: OutputLayout): string {
  const stem = targetName.replace(/(\.weights\.h5|\.keras|\.hdf5|\.h5|\.json)$/i, '');
  return `${stem}-grafted${EXTENSION[layout]}`;
}

function blobSource(blob: Blob | undefined, name: string | undefined): ByteSource | undefined {
  if (!blob) return undefined;
  return { kind: 'blob', blob, name: name ?? (blob instanceof File ? blob.name : 'file') };
}

export class GraftSession implements SessionApi {
  private readonly sides: Record<Side, OpenSide | null> = { source: null, target: null };
  private readonly cache = new TensorCache(512 * 1024 * 1024);

  constructor(private readonly host: H5Host) {}

  /** Opens one side from byte sources (the CLI's paths, the worker's Files). */
  async open(side: Side, files: ModelFiles, onProgress?: ProgressCallback): Promise<LoadedSide> {
    const model = await readModel(
      this.host,
      files,
      onProgress ? (done, total) => onProgress(done, total, 'reading layers') : undefined,
    );
    this.sides[side]?.model.close();
    const fileName = (files.weights ?? files.arch)!.name;
    this.sides[side] = { model, fileName };
    this.cache.clear();
    return { side, fileName, spec: model.spec };
  }

  async load(side: Side, files: SideFiles, onProgress?: ProgressCallback): Promise<LoadedSide> {
    onProgress?.(0, 1, 'opening');
    return this.open(
      side,
      { weights: blobSource(files.weights, files.weightsName), arch: blobSource(files.arch, files.archName) },
      onProgress,
    );
  }

  async swapSides(): Promise<void> {
    [this.sides.source, this.sides.target] = [this.sides.target, this.sides.source];
    this.cache.clear();
  }

  spec(side: Side): ModelSpec | null {
    return this.sides[side]?.model.spec ?? null;
  }

  private pair(): { source: OpenSide; target: OpenSide } {
    const { source, target } = this.sides;
    if (!source || !target) {
      throw new GraftError('usage', `load ${!source ? 'a source weight file' : 'a target model'} first`);
    }
    return { source, target };
  }

  /** Source values, cached: channel scores and previews read the same tensors again and again. */
  private readSource = (expr: TensorExpr): Promise<Tensor> => {
    const { source } = this.pair();
    return this.cache.get(`s:${JSON.stringify(expr)}`, () =>
      evaluateTensor(expr, { readSource: (p) => source.model.readDataset(p) }),
    );
  };

  private evaluatePlanned(expr: TensorExpr): Promise<Tensor> {
    const { source, target } = this.pair();
    return evaluateTensor(expr, {
      readSource: (p) => this.cache.get(`s:${p}`, () => source.model.readDataset(p)),
      readTarget: (p) => target.model.readDataset(p),
    });
  }

  async autoMatch(mapping: Mapping): Promise<MatchSummary> {
    const { source, target } = this.pair();
    const result = await matchFeasibleLinks(source.model.spec, target.model.spec, mapping);
    return { mapping: result.mapping, unmatched: result.unmatched, dropped: result.dropped };
  }

  async plan(mapping: Mapping): Promise<TransferPlan> {
    const { source, target } = this.pair();
    return planTransfer(source.model.spec, target.model.spec, mapping, { readSource: this.readSource });
  }

  async preview(mapping: Mapping, targetLayer: string, weightIndex: number): Promise<WeightPreview> {
    const plan = await this.plan(mapping);
    const weight = plan.layers.find((l) => l.target === targetLayer)?.weights[weightIndex];
    if (!weight) throw new GraftError('usage', `target layer ${targetLayer} has no weight #${weightIndex}`);
    const { source } = this.pair();
    const sourceWeight = weight.sourceLayer
      ? source.model.spec.layers
          .find((l) => l.id === weight.sourceLayer)
          ?.weights.find((w) => w.name === weight.sourceWeight)
      : undefined;
    const [sourceValues, result] = await Promise.all([
      sourceWeight?.values ? this.readSource(sourceWeight.values) : Promise.resolve(null),
      weight.problem ? Promise.resolve(null) : this.evaluatePlanned(weight.expr),
    ]);
    return {
      source: sourceValues ? tensorStats(sourceValues) : null,
      result: result ? tensorStats(result) : null,
    };
  }

  /** Writes the grafted target to a verified scratch file; the caller commits or reads it. */
  async writeTransfer(
    mapping: Mapping,
    layout: OutputLayout | null,
    onProgress?: ProgressCallback,
  ): Promise<{ scratchPath: string; layout: OutputLayout; plan: TransferPlan; bytesWritten: number }> {
    const { target } = this.pair();
    const plan = await this.plan(mapping);
    // The same rule the report states and the app applies: any problem in the plan blocks the export.
    if (plan.problems.length > 0) {
      const more = plan.problems.length > 1 ? ` (and ${plan.problems.length - 1} more)` : '';
      throw new GraftError(
        'mapping',
        `cannot export while the plan has problems: ${plan.problems[0]}${more}`,
      );
    }
    const chosen = layout ?? layoutForFileName(target.fileName, target.model.spec);
    const byLayer = new Map(plan.layers.map((l) => [l.target, l.weights]));
    const planned = (layer: LayerSpec, index: number): WeightPlan => {
      const w = byLayer.get(layer.id)?.[index];
      if (!w) throw new GraftError('mapping', `the plan has no entry for ${layer.id} weight #${index}`);
      return w;
    };
    const written = await writeModelFile(this.host, {
      layout: chosen,
      target: target.model.spec,
      tensors: (layer, index) => this.evaluatePlanned(planned(layer, index).expr),
      onProgress: onProgress ? (done, total) => onProgress(done, total, 'writing') : undefined,
    });
    return { scratchPath: written.scratchPath, layout: chosen, plan, bytesWritten: written.bytesWritten };
  }

  async exportWeights(
    mapping: Mapping,
    layout: OutputLayout | null,
    onProgress?: ProgressCallback,
  ): Promise<ExportResult> {
    const { target } = this.pair();
    const written = await this.writeTransfer(mapping, layout, onProgress);
    try {
      const bytes = await this.host.readScratch(written.scratchPath);
      return { fileName: graftedFileName(target.fileName, written.layout), bytes, layout: written.layout };
    } finally {
      this.host.removeScratch(written.scratchPath);
    }
  }

  async report(mapping: Mapping): Promise<string> {
    const { source, target } = this.pair();
    return formatTransferReport(await this.plan(mapping), {
      source: source.fileName,
      target: target.fileName,
    });
  }

  close(): void {
    this.sides.source?.model.close();
    this.sides.target?.model.close();
    this.sides.source = null;
    this.sides.target = null;
  }
}
