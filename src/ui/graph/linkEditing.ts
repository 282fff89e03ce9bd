// Edits made by dragging in the graph. A new link is planned in the worker before it is accepted, so a
// link that no adapter can make fit is refused with the planner's own reason instead of turning red.

import { isGraftError, type MappingChange, type ModelSpec } from '../../model';
import { applyChange } from '../../core/mapping';
import { layerProblem } from '../../state/linkStatus';
import { useMappingStore } from '../../state/mappingStore';
import { planCandidate } from '../../state/planStore';
import { bothSpecs, useSidesStore } from '../../state/sidesStore';

/** Why a layer cannot be one end of a link, or null when it can. */
function weightlessReason(model: ModelSpec, id: string, side: string): string | null {
  const layer = model.layers.find((l) => l.id === id);
  if (!layer) return `the ${side} has no layer '${id}'`;
  if (layer.children !== undefined) return `${id} is a nested model; link its inner layers one by one`;
  if (layer.weights.length === 0) return `${id} has no weights, so there is nothing to move`;
  return null;
}

/**
 * Check `changes` against the models and the planner; apply them as one undo step when the plan
 * has no problem for `target`. Resolves to null on success, or the reason for refusing.
 */
async function applyChecked(changes: MappingChange[], target: string | null): Promise<string | null> {
  const models = bothSpecs(useSidesStore.getState());
  if (!models) return 'load both models first';
  const store = useMappingStore.getState();
  let candidate = store.history.present;
  try {
    for (const change of changes) candidate = applyChange(candidate, change, models);
  } catch (error) {
    return isGraftError(error) ? error.message : String(error);
  }
  if (target !== null) {
    try {
      const plan = await planCandidate(candidate);
      const layer = plan.layers.find((l) => l.target === target);
      const problem = layer ? layerProblem(layer) : null;
      if (problem) return `no adapter fits: ${problem}`;
    } catch (error) {
      return isGraftError(error) ? error.message : String(error);
    }
  }
  // The mapping may have changed while the planner ran; the changes are re-applied to what is there now.
  const current = useMappingStore.getState();
  current.beginGesture();
  const ok = changes.every((change) => current.apply(change));
  if (ok) current.endGesture();
  else current.cancelGesture();
  return ok ? null : (useMappingStore.getState().error ?? 'the change was refused');
}

export async function connectLayers(source: string, target: string): Promise<string | null> {
  const models = bothSpecs(useSidesStore.getState());
  if (!models) return 'load both models first';
  const reason =
    weightlessReason(models.source, source, 'source') ?? weightlessReason(models.target, target, 'target');
  if (reason) return reason;
  return applyChecked([{ kind: 'connect', target, source, lock: true }], target);
}

/** Move the target end of a link, or cut the link when it is dropped on no layer. */
export async function moveLinkEnd(
  oldTarget: string,
  source: string,
  newTarget: string | null,
): Promise<string | null> {
  if (newTarget === oldTarget) return null;
  if (newTarget === null) return applyChecked([{ kind: 'disconnect', target: oldTarget }], null);
  const models = bothSpecs(useSidesStore.getState());
  const reason = models ? weightlessReason(models.target, newTarget, 'target') : 'load both models first';
  if (reason) return reason;
  return applyChecked(
    [
      { kind: 'disconnect', target: oldTarget },
      { kind: 'connect', target: newTarget, source, lock: true },
    ],
    newTarget,
  );
}

export function cutLink(target: string): string | null {
  const store = useMappingStore.getState();
  return store.apply({ kind: 'disconnect', target }) ? null : useMappingStore.getState().error;
}
