// Per-channel scores of a shrinking group: the rule's score summed over every producer in the group
// (bn-gamma: |gamma| of the group's BatchNorms), mapped back through concatenations and expansions.

import type { LayerSpec, Tensor, TensorExpr } from '../../model';
import { bareWeightName, layerChannelsOf } from '../adapt/axisRoles';
import { sourceChannelOf, type GroupWidths } from './channelSpace';
import { axisSums } from './chooseChannels';
import { ROLE_PRIORITY, type MemberFacts } from './memberFacts';
import type { PairedSource } from './selectChannels';

/** Source values of a paired weight, read once; null without a reader or values. */
export type SourceReader = (source: PairedSource) => Promise<Tensor> | null;

export function cachedSourceReader(
  readSource: ((expr: TensorExpr) => Promise<Tensor>) | undefined,
): SourceReader {
  const cache = new Map<string, Promise<Tensor>>();
  return (source) => {
    if (!readSource || !source.values) return null;
    const key = `${source.layer}\u0000${source.weight}`;
    let pending = cache.get(key);
    if (!pending) {
      pending = readSource(source.values);
      cache.set(key, pending);
    }
    return pending;
  };
}

export interface ScoringContext {
  layersById: ReadonlyMap<string, LayerSpec>;
  read: SourceReader;
  sourceWidth: GroupWidths;
}

/** Scores per source channel of `group`, or null when nothing in the group can be scored. */
export async function scoreGroup(
  group: number,
  rule: 'l1' | 'l2' | 'bn-gamma',
  inGroup: MemberFacts[],
  width: number,
  context: ScoringContext,
): Promise<Float64Array | null> {
  const { layersById, read, sourceWidth } = context;
  const usable = inGroup.filter((fact) => fact.consistent && fact.source?.values);
  let scored: MemberFacts[];
  if (rule === 'bn-gamma') {
    scored = usable.filter((fact) => {
      const layer = layersById.get(fact.member.layer)!;
      return (
        layerChannelsOf(layer).family === 'normalization' &&
        bareWeightName(layer.weights[fact.member.weight]) === 'gamma'
      );
    });
  } else {
    scored = [];
    for (const role of ROLE_PRIORITY) {
      scored = usable.filter((fact) => fact.member.role === role && (fact.source?.shape.length ?? 0) >= 2);
      if (scored.length > 0) break;
    }
  }
  if (scored.length === 0) return null;
  const total = new Float64Array(width);
  for (const fact of scored) {
    const pending = read(fact.source!);
    if (!pending) return null;
    const tensor = await pending;
    const sums = axisSums(tensor, fact.member.axis, rule === 'l2' ? 'l2' : 'l1');
    const perChannel = new Float64Array(width);
    for (let position = 0; position < sums.length; position++) {
      const owner = sourceChannelOf(fact.space, position, sourceWidth, fact.sourceSize!);
      if (owner && owner.group === group && owner.channel < width)
        perChannel[owner.channel] += sums[position];
    }
    for (let c = 0; c < width; c++) total[c] += rule === 'l2' ? Math.sqrt(perChannel[c]) : perChannel[c];
  }
  return total;
}
