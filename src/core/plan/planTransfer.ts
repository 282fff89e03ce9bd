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
  TransformStep,
  WeightPlan,
  WeightSpec,
  WeightStatus,
} from '../../model';
import { adaptTensor, type AxisPlan } from '../adapt/adaptTensor';
import { leadingMap, spatialMap } from '../adapt/axisMaps';
import { layerChannelsOf, type AxisRole } from '../adapt/axisRoles';
import { pairWeights, roleAlignment } from '../adapt/weightPairing';
import { buildLayerGraph } from '../graph';
import { buildChannelGroups } from '../prune/buildChannelGroups';
import {
  axisSelectionKey,
  selectChannels,
  type AxisSelection,
  type ChannelSelection,
  type GroupSelection,
  type PairedSource,
} from '../prune/selectChannels';
import { asTargetExpr, elementCount } from '../tensor';

export interface PlanOptions {
  /** Source values for the score rules (l1, l2, bn-gamma); without it they fall back to 'first'. */
  readSource?: (expr: TensorExpr) => Promise<Tensor>;
  /** Which source channels Net2Net widening repeats: cyclically from the first (default) or seeded-random. */
  replicate?: { pick: 'first' | 'random'; seed?: number };
}

const ALL_STATUSES: WeightStatus[] = [
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

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;

/** A source weight prepared for a target weight: values in the target's axis order. */
interface PreparedSource {
  layer: LayerSpec;
  weight: WeightSpec;
  index: number;
  values: TensorExpr | null;
  shape: number[];
  before: TransformStep[];
}

interface WeightOutcome {
  plan: WeightPlan;
  sourceElements: number;
}

function ownValue(weight: WeightSpec): TensorExpr | null {
  return weight.values ? asTargetExpr(weight.values) : null;
}

function squeezed(shape: readonly number[]): number[] {
  return shape.filter((size) => size !== 1);
}

export async function planTransfer(
  source: ModelSpec,
  target: ModelSpec,
  mapping: Mapping,
  options: PlanOptions = {},
): Promise<TransferPlan> {
  const sourceById = new Map(source.layers.map((layer) => [layer.id, layer]));
  const targetById = new Map(target.layers.map((layer) => [layer.id, layer]));
  const problems: string[] = [];

  // Links that can be followed; the rest are reported and their targets planned as unlinked.
  const linkProblems = new Map<string, string>();
  const links = new Map<string, Link>();
  for (const link of mapping.links) {
    if (!targetById.has(link.target)) {
      problems.push(`mapping links target layer ${link.target}, which the target model does not have`);
      continue;
    }
    if (!sourceById.has(link.source)) {
      linkProblems.set(
        link.target,
        `linked to source layer ${link.source}, which the source model does not have`,
      );
      continue;
    }
    if (!links.has(link.target)) links.set(link.target, link);
  }

  const choiceOf = (layerId: string): AdapterChoice => links.get(layerId)?.adapter ?? {};
  const rulesOf = (layerId: string): { select: SelectRule; grow: GrowRule } => ({
    select: choiceOf(layerId).select ?? mapping.defaults.select,
    grow: choiceOf(layerId).grow ?? mapping.defaults.grow,
  });

  // Pair weights of every linked layer and put source values in the target's axis order.
  const prepared = new Map<string, PreparedSource | null>();
  const pairingNotes = new Map<string, string[]>();
  for (const [targetId, link] of links) {
    const targetLayer = targetById.get(targetId)!;
    const sourceLayer = sourceById.get(link.source)!;
    const pairing = pairWeights(targetLayer, sourceLayer);
    pairingNotes.set(targetId, pairing.notes);
    const targetRoles = layerChannelsOf(targetLayer).roles;
    const sourceRoles = layerChannelsOf(sourceLayer).roles;
    for (const pair of pairing.pairs) {
      const key = `${targetId}\u0000${pair.target}`;
      if (pair.source === null) {
        prepared.set(key, null);
        continue;
      }
      const weight = sourceLayer.weights[pair.source];
      const perm = roleAlignment(targetRoles[pair.target] ?? [], sourceRoles[pair.source] ?? []);
      let values = weight.values;
      let shape = [...weight.shape];
      const before: TransformStep[] = [];
      if (perm) {
        values = values ? { op: 'transpose', perm, input: values } : null;
        shape = perm.map((axis) => weight.shape[axis]);
        before.push({
          kind: 'convert',
          detail: `transpose ${shapeText(weight.shape)} -> ${shapeText(shape)}: ${sourceLayer.className ?? 'source'} and ${targetLayer.className ?? 'target'} order kernel axes differently`,
        });
      }
      prepared.set(key, { layer: sourceLayer, weight, index: pair.source, values, shape, before });
    }
  }
  const preparedFor = (layerId: string, weight: number): PreparedSource | null =>
    prepared.get(`${layerId}\u0000${weight}`) ?? null;

  // One channel selection per coupled group of the target graph.
  const graph = buildLayerGraph(target);
  const groups = buildChannelGroups(target, graph);
  const selection: ChannelSelection = await selectChannels(groups, {
    target,
    sourceOf: (layer, weight): PairedSource | null => {
      const found = preparedFor(layer, weight);
      const targetWeight = targetById.get(layer)?.weights[weight];
      if (!found || !targetWeight || found.shape.length !== targetWeight.shape.length) return null;
      return { layer: found.layer.id, weight: found.index, values: found.values, shape: found.shape };
    },
    rulesOf,
    ...(options.readSource ? { readSource: options.readSource } : {}),
    replicate: { pick: options.replicate?.pick ?? 'first', seed: options.replicate?.seed ?? 0 },
  });
  const flattenChangeOf = new Map<string, string>();
  for (const axis of selection.axes)
    if (axis.flattenChange && !flattenChangeOf.has(axis.layer))
      flattenChangeOf.set(axis.layer, axis.flattenChange);
  // Classifier heads whose class count changes, by the layers that produce them.
  const headGroupsOf = new Map<string, GroupSelection[]>();
  for (const member of groups.members) {
    if (member.role !== 'producer' || member.space.kind !== 'group') continue;
    const group = selection.groups[member.space.group];
    if (!group?.head || group.rule === 'same' || group.rule === null) continue;
    const known = headGroupsOf.get(member.layer) ?? [];
    if (!known.includes(group)) known.push(group);
    headGroupsOf.set(member.layer, known);
  }
  const axisSelections = new Map<string, AxisSelection>(
    selection.axes.map((axis) => [axisSelectionKey(axis.layer, axis.weight, axis.axis), axis]),
  );

  const unlinkedOutcome = (layer: LayerSpec, weight: WeightSpec, why: string): WeightOutcome => {
    const base = {
      targetLayer: layer.id,
      weight: weight.name,
      targetShape: [...weight.shape],
      sourceLayer: null,
      sourceWeight: null,
      sourceShape: null,
    };
    if (mapping.defaults.unlinked === 'zeros') {
      return {
        plan: {
          ...base,
          status: 'zeroed',
          steps: [{ kind: 'zeros', detail: `zeros: ${why}` }],
          expr: { op: 'zeros', shape: [...weight.shape], dtype: weight.dtype },
        },
        sourceElements: 0,
      };
    }
    const own = ownValue(weight);
    if (own) {
      return {
        plan: {
          ...base,
          status: 'kept-initial',
          steps: [{ kind: 'keep', detail: `keep the target's own value: ${why}` }],
          expr: own,
        },
        sourceElements: 0,
      };
    }
    return {
      plan: {
        ...base,
        status: 'missing',
        steps: [{ kind: 'zeros', detail: `zeros: ${why}, and the target has no value of its own` }],
        expr: { op: 'zeros', shape: [...weight.shape], dtype: weight.dtype },
        problem: `${why}, and the target file has no value of its own: link a source layer or set unlinked layers to zeros`,
      },
      sourceElements: 0,
    };
  };

  /** The target's own value for a weight the mapping cannot fill; a problem unless the user chose it. */
  const keptOutcome = (
    layer: LayerSpec,
    weight: WeightSpec,
    found: PreparedSource | null,
    why: string,
    problem: string | null,
  ): WeightOutcome => {
    const own = ownValue(weight);
    const base = {
      targetLayer: layer.id,
      weight: weight.name,
      targetShape: [...weight.shape],
      sourceLayer: found?.layer.id ?? null,
      sourceWeight: found?.weight.name ?? null,
      sourceShape: found ? [...found.weight.shape] : null,
    };
    if (own) {
      return {
        plan: {
          ...base,
          status: 'kept-initial',
          steps: [{ kind: 'keep', detail: `keep the target's own value: ${why}` }],
          expr: own,
          ...(problem ? { problem } : {}),
        },
        sourceElements: 0,
      };
    }
    return {
      plan: {
        ...base,
        status: 'missing',
        steps: [{ kind: 'zeros', detail: `zeros: ${why}` }],
        expr: { op: 'zeros', shape: [...weight.shape], dtype: weight.dtype },
        problem: `${problem ?? why}; the target file has no value of its own to keep`,
      },
      sourceElements: 0,
    };
  };

  const layerPlans: LayerPlan[] = [];
  let totalElements = 0;
  let fromSource = 0;
  const counts = Object.fromEntries(ALL_STATUSES.map((status) => [status, 0])) as Record<
    WeightStatus,
    number
  >;
  const unmatched: string[] = [];

  for (const layer of target.layers) {
    if (layer.weights.length === 0) continue;
    const link = links.get(layer.id) ?? null;
    const sourceLayer = link ? sourceById.get(link.source)! : null;
    const layerPlan: LayerPlan = {
      target: layer.id,
      source: sourceLayer?.id ?? null,
      origin: link?.origin ?? null,
      confidence: link?.confidence ?? 0,
      weights: [],
    };
    const layerProblems: string[] = [];
    const outcomes: WeightOutcome[] = [];

    if (!link || !sourceLayer) {
      unmatched.push(layer.id);
      const why = linkProblems.get(layer.id) ?? 'no source layer linked';
      if (linkProblems.has(layer.id)) layerProblems.push(linkProblems.get(layer.id)!);
      for (const weight of layer.weights) outcomes.push(unlinkedOutcome(layer, weight, why));
    } else {
      const choice = choiceOf(layer.id);
      const flattenChange = flattenChangeOf.get(layer.id) ?? null;
      const headGroups = headGroupsOf.get(layer.id) ?? [];
      const everyWeightHasValue = layer.weights.every((weight) => weight.values !== null);
      const headMode = choice.head ?? (everyWeightHasValue ? 'target' : 'first');
      const keepsOwn =
        flattenChange !== null
          ? choice.grow === 'target' || choice.head === 'target'
          : headGroups.length > 0 && headMode === 'target';

      if (flattenChange !== null || keepsOwn) {
        const why =
          flattenChange !== null
            ? keepsOwn
              ? `${flattenChange}; kept as chosen`
              : flattenChange
            : `classifier head ${headGroups.map((group) => `${group.sourceWidth} -> ${group.targetWidth} classes`).join(', ')}; kept as chosen (head: ${choice.head ? 'target' : 'target by default'})`;
        const problem =
          flattenChange !== null && !keepsOwn
            ? `${flattenChange}: choose 'target' (grow or head) for ${layer.id} to keep its own values`
            : null;
        if (problem) layerProblems.push(problem);
        layer.weights.forEach((weight, index) =>
          outcomes.push(keptOutcome(layer, weight, preparedFor(layer.id, index), why, null)),
        );
      } else {
        layer.weights.forEach((weight, index) => {
          const found = preparedFor(layer.id, index);
          if (!found) {
            outcomes.push(
              unlinkedOutcome(layer, weight, `${sourceLayer.id} has no weight for ${weight.name}`),
            );
            return;
          }
          outcomes.push(adaptWeight(layer, weight, index, found, choice));
        });
      }
    }

    for (const outcome of outcomes) {
      layerPlan.weights.push(outcome.plan);
      counts[outcome.plan.status]++;
      const elements = elementCount(outcome.plan.targetShape);
      totalElements += elements;
      fromSource += outcome.sourceElements;
      if (outcome.plan.problem) problems.push(`${layer.id}/${outcome.plan.weight}: ${outcome.plan.problem}`);
    }
    for (const note of pairingNotes.get(layer.id) ?? [])
      if (note.includes('paired by position')) layerProblems.push(note);
    if (layerProblems.length > 0) {
      layerPlan.problem = layerProblems.join('; ');
      for (const problem of layerProblems) problems.push(`${layer.id}: ${problem}`);
    }
    layerPlans.push(layerPlan);
  }

  function adaptWeight(
    layer: LayerSpec,
    weight: WeightSpec,
    index: number,
    found: PreparedSource,
    choice: AdapterChoice,
  ): WeightOutcome {
    const base = {
      targetLayer: layer.id,
      weight: weight.name,
      targetShape: [...weight.shape],
      sourceLayer: found.layer.id,
      sourceWeight: found.weight.name,
      sourceShape: [...found.weight.shape],
    };
    if (!found.values) {
      return keptOutcome(
        layer,
        weight,
        found,
        `the source file has no values for ${found.layer.id}/${found.weight.name}`,
        `the source file has no values for ${found.layer.id}/${found.weight.name}`,
      );
    }
    const targetShape = weight.shape;
    const sourceCount = elementCount(found.shape);
    const sameShape =
      found.shape.length === targetShape.length &&
      found.shape.every((size, axis) => size === targetShape[axis]);
    const canReshape = sourceCount === elementCount(targetShape);
    const knownReshape = canReshape && squeezed(found.shape).join(',') === squeezed(targetShape).join(',');
    if (!sameShape && canReshape && (knownReshape || choice.reshape === true)) {
      let expr: TensorExpr = { op: 'reshape', shape: [...targetShape], input: found.values };
      const steps: TransformStep[] = [
        ...found.before,
        {
          kind: 'reshape',
          detail: `reshape ${shapeText(found.shape)} -> ${shapeText(targetShape)}${knownReshape ? ': the same values without size-1 axes' : ' (reshape allowed for this link)'}`,
        },
      ];
      if (found.weight.dtype !== weight.dtype) {
        expr = { op: 'cast', dtype: weight.dtype, input: expr };
        steps.push({ kind: 'convert', detail: `cast ${found.weight.dtype} -> ${weight.dtype}` });
      }
      return {
        plan: { ...base, status: 'reshaped', steps, expr },
        sourceElements: elementCount(targetShape),
      };
    }
    if (found.shape.length !== targetShape.length) {
      const problem =
        `${found.layer.id}/${found.weight.name} ${shapeText(found.shape)} cannot become ${shapeText(targetShape)}: the ranks differ` +
        (canReshape ? "; allow 'reshape' for this link if a plain reshape is right" : '');
      return keptOutcome(layer, weight, found, problem, problem);
    }
    const roles: AxisRole[] = layerChannelsOf(layer).roles[index] ?? [];
    const rules = rulesOf(layer.id);
    const axes: AxisPlan[] = targetShape.map((targetSize, axis): AxisPlan => {
      const selected = axisSelections.get(axisSelectionKey(layer.id, index, axis));
      const role = roles[axis]?.kind ?? 'other';
      const kind: AxisPlan['kind'] = role === 'spatial' ? 'spatial' : role === 'other' ? 'other' : 'channel';
      if (selected)
        return {
          map: selected.map,
          fill: selected.fill,
          divide: selected.divide,
          kind,
          detail: selected.detail,
        };
      const sourceSize = found.shape[axis];
      if (sourceSize === targetSize)
        return { map: null, fill: 'zeros', divide: false, kind, detail: 'unchanged' };
      if (kind === 'spatial') {
        const placement = choice.spatial ?? 'center';
        const where = placement === 'center' ? 'centre' : 'top-left corner';
        const detail =
          targetSize < sourceSize
            ? `${where} ${targetSize} of ${sourceSize} (kernel size change)`
            : `${sourceSize} placed at the ${where} of ${targetSize}, zeros around (kernel size change)`;
        return {
          map: spatialMap(sourceSize, targetSize, placement),
          fill: 'zeros',
          divide: false,
          kind,
          detail,
        };
      }
      const what = kind === 'other' ? 'not a channel axis' : 'no channel selection applies';
      const detail =
        targetSize < sourceSize
          ? `keep the first ${targetSize} of ${sourceSize} (${what})`
          : `grow ${sourceSize} -> ${targetSize} (${what})`;
      return {
        map: leadingMap(sourceSize, targetSize),
        fill: rules.grow === 'target' ? 'target' : 'zeros',
        divide: false,
        kind,
        detail,
      };
    });
    const result = adaptTensor({
      source: found.values,
      sourceShape: found.shape,
      sourceDType: found.weight.dtype,
      targetShape: [...targetShape],
      targetDType: weight.dtype,
      targetOwn: ownValue(weight),
      axes,
      before: found.before,
    });
    const plan: WeightPlan = { ...base, status: result.status, steps: result.steps, expr: result.expr };
    if (result.problems.length > 0) plan.problem = result.problems.join('; ');
    return { plan, sourceElements: result.sourceElements };
  }

  const linkedSources = new Set([...links.values()].map((link) => link.source));
  const unusedSource = source.layers
    .filter((layer) => layer.weights.length > 0 && !linkedSources.has(layer.id))
    .map((layer) => layer.id);
  for (const problem of selection.problems) problems.push(problem);

  return {
    layers: layerPlans,
    coverage: totalElements === 0 ? 0 : fromSource / totalElements,
    counts,
    unmatched,
    unusedSource,
    problems,
  };
}
