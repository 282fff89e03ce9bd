// The laid-out diff view for the loaded pair, the current links and the view options. Graph inputs
// are cheap and built here; the layout itself runs in the layout worker, and a result that arrives
// after a newer request was made is dropped.

import { useEffect, useMemo, useState } from 'react';
import * as Comlink from 'comlink';
import type { Mapping, ModelSpec } from '../../model';
import { cutSourceIds } from '../../core/mapping';
import { buildGraphInput, type GraphInput } from './graphInput';
import type { LayoutApi } from './layoutWorker';
import type { PairLayout, PairLayoutInput } from './layoutPair';

let worker: Comlink.Remote<LayoutApi> | null = null;

function layoutWorker(): Comlink.Remote<LayoutApi> {
  if (!worker) {
    worker = Comlink.wrap<LayoutApi>(
      new Worker(new URL('./layoutWorker.ts', import.meta.url), { type: 'module' }),
    );
  }
  return worker;
}

function useGraphInput(
  spec: ModelSpec | null,
  side: 'source' | 'target',
  hideWeightless: boolean,
  collapsed: readonly string[],
) {
  const ownCollapsed = useMemo(
    () => collapsed.filter((key) => key.startsWith(side + ':')).map((key) => key.slice(side.length + 1)),
    [collapsed, side],
  );
  const key = ownCollapsed.join('\n');
  return useMemo<GraphInput | null>(
    () =>
      spec ? buildGraphInput(spec, { hideWeightless, collapsed: new Set(key ? key.split('\n') : []) }) : null,
    [spec, hideWeightless, key],
  );
}

function cutIds(mapping: Mapping, source: ModelSpec | null): string[] {
  if (!source || mapping.cuts.length === 0) return [];
  try {
    return [...cutSourceIds(mapping.cuts, source)];
  } catch {
    // A cut naming a layer the source does not have: the plan reports it; draw no band for it.
    return [];
  }
}

export function usePairLayout(
  source: ModelSpec | null,
  target: ModelSpec | null,
  mapping: Mapping,
  hideWeightless: boolean,
  collapsed: readonly string[],
): { layout: PairLayout | null; error: string | null } {
  const sourceGraph = useGraphInput(source, 'source', hideWeightless, collapsed);
  const targetGraph = useGraphInput(target, 'target', hideWeightless, collapsed);
  const input = useMemo<PairLayoutInput | null>(
    () =>
      sourceGraph || targetGraph
        ? {
            source: sourceGraph,
            target: targetGraph,
            links: mapping.links.map((l) => ({ source: l.source, target: l.target })),
            cutSource: cutIds(mapping, source),
          }
        : null,
    [sourceGraph, targetGraph, mapping, source],
  );
  const [result, setResult] = useState<{ layout: PairLayout | null; error: string | null }>({
    layout: null,
    error: null,
  });
  useEffect(() => {
    if (!input) return;
    let current = true;
    layoutWorker()
      .layoutPair(input)
      .then(
        (layout) => current && setResult({ layout, error: null }),
        (error: unknown) => current && setResult((r) => ({ layout: r.layout, error: String(error) })),
      );
    return () => {
      current = false;
    };
  }, [input]);
  // Until the new layout arrives the previous one stays on screen; with nothing loaded there is none.
  return input ? result : { layout: null, error: null };
}
