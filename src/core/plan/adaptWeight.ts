// One linked target weight from its source weight: a reshape for the known cases (or when allowed),
// otherwise per-axis maps — the coupled channel selections where they apply, centred crops/pads for
// kernel windows, leading positions for the rest — turned into an expression by adaptTensor.

import type {
  AdapterChoice,
  GrowRule,
  LayerSpec,
  TensorExpr,
  TransformStep,
  WeightPlan,
  WeightSpec,
} from '../../model';
import { adaptTensor, type AxisPlan } from '../adapt/adaptTensor';
import { leadingMap, spatialMap } from '../adapt/axisMaps';
import { layerChannelsOf } from '../adapt/axisRoles';
import type { AxisSelection } from '../prune/selectChannels';
import { elementCount } from '../tensor';
import { keptWeight, ownValue, type WeightOutcome } from './fallbackWeights';
import type { PreparedSource } from './sourceWeights';

export interface AdaptContext {
  choice: AdapterChoice;
  grow: GrowRule;
  /** The coupled selection for one axis of this weight, if any. */
  selectionOf(axis: number): AxisSelection | undefined;
}

const shapeText = (shape: readonly number[]): string => `[${shape.join(', ')}]`;
const squeezed = (shape: readonly number[]): string => shape.filter((size) => size !== 1).join(',');

export function adaptWeight(
  layer: LayerSpec,
  weight: WeightSpec,
  index: number,
  found: PreparedSource,
  context: AdaptContext,
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
    const why = `the source file has no values for ${found.layer.id}/${found.weight.name}`;
    return keptWeight(layer, weight, found, why, why);
  }
  const targetShape = weight.shape;
  const sameShape =
    found.shape.length === targetShape.length &&
    found.shape.every((size, axis) => size === targetShape[axis]);
  const canReshape = elementCount(found.shape) === elementCount(targetShape);
  const knownReshape = canReshape && squeezed(found.shape) === squeezed(targetShape);
  if (!sameShape && canReshape && (knownReshape || context.choice.reshape === true)) {
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
    return { plan: { ...base, status: 'reshaped', steps, expr }, sourceElements: elementCount(targetShape) };
  }
  if (found.shape.length !== targetShape.length) {
    const problem =
      `${found.layer.id}/${found.weight.name} ${shapeText(found.shape)} cannot become ${shapeText(targetShape)}: the ranks differ` +
      (canReshape ? "; allow 'reshape' for this link if a plain reshape is right" : '');
    return keptWeight(layer, weight, found, problem, problem);
  }

  const roles = layerChannelsOf(layer).roles[index] ?? [];
  const axes = targetShape.map((targetSize, axis): AxisPlan => {
    const role = roles[axis]?.kind ?? 'other';
    const kind: AxisPlan['kind'] = role === 'spatial' ? 'spatial' : role === 'other' ? 'other' : 'channel';
    const selected = context.selectionOf(axis);
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
      const placement = context.choice.spatial ?? 'center';
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
      fill: context.grow === 'target' ? 'target' : 'zeros',
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
