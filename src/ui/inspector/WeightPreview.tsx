// Asks the worker for the statistics of one target tensor before and after the transfer.

import { useEffect, useState } from 'react';
import type { Mapping } from '../../model';
import type { WeightPreview as Preview } from '../../worker/sessionApi';
import { describeFailure, getSession } from '../../state/sessionClient';
import { Histogram } from './Histogram';

export function WeightPreview({
  mapping,
  target,
  index,
}: {
  mapping: Mapping;
  target: string;
  index: number;
}) {
  const [state, setState] = useState<{ key: string; preview: Preview | null; error: string | null } | null>(
    null,
  );
  const key = `${target}#${index}`;
  useEffect(() => {
    let current = true;
    getSession()
      .preview(mapping, target, index)
      .then(
        (preview) => current && setState({ key, preview, error: null }),
        (error: unknown) =>
          current && setState({ key, preview: null, error: describeFailure(error).message }),
      );
    return () => {
      current = false;
    };
  }, [mapping, target, index, key]);
  if (!state || state.key !== key) return <div className="muted">computing histogram…</div>;
  if (state.error)
    return (
      <div className="alert" role="alert">
        {state.error}
      </div>
    );
  return <Histogram source={state.preview?.source ?? null} result={state.preview?.result ?? null} />;
}
