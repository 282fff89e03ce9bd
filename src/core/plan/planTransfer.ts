// planTransfer: for every weight of every target layer, where its values come from and how — as a
// TensorExpr over the source file (`read`) and the target's own values (`target`). Channel selections
// are chosen once per coupled group (src/core/prune) and applied to every member axis; everything a
// user choice makes impossible becomes a problem string, never an exception. The result is plain data.

import type {
  AdapterChoice,
  GrowRule,
  LayerPlan,
  LayerSpec,
  Link,
  Mapping,
  ModelSpec,
  SelectRule,
  Tensor,
  TensorExpr,
  TransferPlan,
  WeightStatus,
} from '../../model';
import { WEIGHT_STATUSES } from '../../model';
import { buildLayerGraph } from '../graph';
import { buildChannelGroups, type ChannelGroups } from '../prune/buildChannelGroups';
import {
  axisSelectionKey,
  selectChannels,
  type AxisSelection,
  type ChannelSelection,
  type GroupSelection,
  type PairedSource,
} from '../prune/selectChannels';
import { elementCount } from '../tensor';
import { adaptWeight } from './adaptWeight';
import { keptWeight, unlinkedWeight, type WeightOutcome } from './fallbackWeights';
import { prepareSourceWeights, type SourceWeights } from './sourceWeights';

export interface PlanOptions {
  /** Source values for the score rules (l1, l2, bn-gamma); without it they fall back to 'first'. */
  readSource?: (expr: TensorExpr) => Promise<Tensor>;
  /** Which source channels Net2Net widening repeats: cyclically from the first (default) or seeded-random. */
  replicate?: { pick: 'first' | 'random'; seed?: number };
}

/** Links that can be followed, and why the others cannot. */
function usableLinks(
  mapping: Mapping,
  sourceById: ReadonlyMap<string, LayerSpec>,
  targetById: ReadonlyMap<string, LayerSpec>,
) {
  const links = new Map<string, Link>();
  const brokenLinks = new Map<string, string>();
  const problems: string[] = [];
  for (const link of mapping.links) {
    if (!targetById.has(link.target)) {
      problems.push(`mapping links target layer ${link.target}, which the target model does not have`);
    } else if (!sourceById.has(link.source)) {
      brokenLinks.set(
        link.target,
        `linked to source layer ${link.source}, which the source model does not have`,
      );
    } else if (!links.has(link.target)) {
      links.set(link.target, link);
    }
  }
  return { links, brokenLinks, problems };
}

/** Per target layer: a Flatten change in front of it, and the classifier-head groups it produces. */
function layerFindings(groups: ChannelGroups, selection: ChannelSelection) {
  const flattenChangeOf = new Map<string, string>();
  for (const axis of selection.axes) {
    if (axis.flattenChange && !flattenChangeOf.has(axis.layer))
      flattenChangeOf.set(axis.layer, axis.flattenChange);
  }
  const headGroupsOf = new Map<string, GroupSelection[]>();
  for (const member of groups.members) {
    if (member.role !== 'producer' || member.space.kind !== 'group') continue;
    const group = selection.groups[member.space.group];
    if (!group?.head || group.rule === 'same' || group.rule === null) continue;
    const known = headGroupsOf.get(member.layer) ?? [];
    if (!known.includes(group)) known.push(group);
    headGroupsOf.set(member.layer, known);
  }
  return { flattenChangeOf, headGroupsOf };
}

export async function planTransfer(
  source: ModelSpec,
  target: ModelSpec,
  mapping: Mapping,
  options: PlanOptions = {},
): Promise<TransferPlan> {
  const sourceById = new Map(source.layers.map((layer) => [layer.id, layer]));
  const targetById = new Map(target.layers.map((layer) => [layer.id, layer]));
  const { links, brokenLinks, problems } = usableLinks(mapping, sourceById, targetById);
  const choiceOf = (layerId: string): AdapterChoice => links.get(layerId)?.adapter ?? {};
  const rulesOf = (layerId: string): { select: SelectRule; grow: GrowRule } => ({
    select: choiceOf(layerId).select ?? mapping.defaults.select,
    grow: choiceOf(layerId).grow ?? mapping.defaults.grow,
  });
  const sources: SourceWeights = prepareSourceWeights(links, sourceById, targetById);

  // One channel selection per coupled group of the target graph.
  const groups = buildChannelGroups(target, buildLayerGraph(target));
  const selection = await selectChannels(groups, {
    target,
    sourceOf: (layer, weight): PairedSource | null => {
      const found = sources.of(layer, weight);
      const targetWeight = targetById.get(layer)?.weights[weight];
      if (!found || !targetWeight || found.shape.length !== targetWeight.shape.length) return null;
      return { layer: found.layer.id, weight: found.index, values: found.values, shape: found.shape };
    },
    rulesOf,
    ...(options.readSource ? { readSource: options.readSource } : {}),
    replicate: { pick: options.replicate?.pick ?? 'first', seed: options.replicate?.seed ?? 0 },
  });
  const axisSelections = new Map<string, AxisSelection>(
    selection.axes.map((axis) => [axisSelectionKey(axis.layer, axis.weight, axis.axis), axis]),
  );
  const { flattenChangeOf, headGroupsOf } = layerFindings(groups, selection);

  /** The weights of a linked layer, with the problems that concern the whole layer. */
  function linkedLayer(
    layer: LayerSpec,
    sourceLayer: LayerSpec,
  ): { outcomes: WeightOutcome[]; layerProblems: string[] } {
    const choice = choiceOf(layer.id);
    const flattenChange = flattenChangeOf.get(layer.id) ?? null;
    const headGroups = headGroupsOf.get(layer.id) ?? [];
    const headMode =
      choice.head ?? (layer.weights.every((weight) => weight.values !== null) ? 'target' : 'first');
    const layerProblems = (sources.notes.get(layer.id) ?? []).filter((note) =>
      note.includes('paired by position'),
    );

    if (flattenChange !== null) {
      // Every position of the flattened feature map moved: no slice of the source kernel fits.
      const chosen = choice.grow === 'target' || choice.head === 'target';
      if (!chosen)
        layerProblems.push(
          `${flattenChange}: choose 'target' (grow or head) for ${layer.id} to keep its own values`,
        );
      const why = chosen ? `${flattenChange}; kept as chosen` : flattenChange;
      return {
        outcomes: layer.weights.map((weight, index) =>
          keptWeight(layer, weight, sources.of(layer.id, index), why, null),
        ),
        layerProblems,
      };
    }
    if (headGroups.length > 0 && headMode === 'target') {
      const classes = headGroups
        .map((group) => `${group.sourceWidth} -> ${group.targetWidth} classes`)
        .join(', ');
      const why = `classifier head ${classes}; kept as chosen (head: ${choice.head ? 'target' : 'target by default'})`;
      return {
        outcomes: layer.weights.map((weight, index) =>
          keptWeight(layer, weight, sources.of(layer.id, index), why, null),
        ),
        layerProblems,
      };
    }
    const grow = rulesOf(layer.id).grow;
    const outcomes = layer.weights.map((weight, index) => {
      const found = sources.of(layer.id, index);
      if (!found)
        return unlinkedWeight(
          layer,
          weight,
          `${sourceLayer.id} has no weight for ${weight.name}`,
          mapping.defaults.unlinked,
        );
      return adaptWeight(layer, weight, index, found, {
        choice,
        grow,
        selectionOf: (axis) => axisSelections.get(axisSelectionKey(layer.id, index, axis)),
      });
    });
    return { outcomes, layerProblems };
  }

  const layerPlans: LayerPlan[] = [];
  const counts = Object.fromEntries(WEIGHT_STATUSES.map((status) => [status, 0])) as Record<
    WeightStatus,
    number
  >;
  const unmatched: string[] = [];
  let totalElements = 0;
  let fromSource = 0;
  for (const layer of target.layers) {
    if (layer.weights.length === 0) continue;
    const link = links.get(layer.id) ?? null;
    const sourceLayer = link ? (sourceById.get(link.source) ?? null) : null;
    let outcomes: WeightOutcome[];
    let layerProblems: string[];
    if (!link || !sourceLayer) {
      unmatched.push(layer.id);
      const broken = brokenLinks.get(layer.id);
      layerProblems = broken ? [broken] : [];
      outcomes = layer.weights.map((weight) =>
        unlinkedWeight(layer, weight, broken ?? 'no source layer linked', mapping.defaults.unlinked),
      );
    } else {
      ({ outcomes, layerProblems } = linkedLayer(layer, sourceLayer));
    }
    const layerPlan: LayerPlan = {
      target: layer.id,
      source: sourceLayer?.id ?? null,
      origin: link?.origin ?? null,
      confidence: link?.confidence ?? 0,
      weights: outcomes.map((outcome) => outcome.plan),
    };
    for (const outcome of outcomes) {
      counts[outcome.plan.status]++;
      totalElements += elementCount(outcome.plan.targetShape);
      fromSource += outcome.sourceElements;
      if (outcome.plan.problem) problems.push(`${layer.id}/${outcome.plan.weight}: ${outcome.plan.problem}`);
    }
    if (layerProblems.length > 0) {
      layerPlan.problem = layerProblems.join('; ');
      for (const problem of layerProblems) problems.push(`${layer.id}: ${problem}`);
    }
    layerPlans.push(layerPlan);
  }

  const linkedSources = new Set([...links.values()].map((link) => link.source));
  const unusedSource = source.layers
    .filter((layer) => layer.weights.length > 0 && !linkedSources.has(layer.id))
    .map((layer) => layer.id);
  problems.push(...selection.problems);
  return {
    layers: layerPlans,
    coverage: totalElements === 0 ? 0 : fromSource / totalElements,
    counts,
    unmatched,
    unusedSource,
    problems,
  };
}
