// Loading what the user picked or dropped into one side, and saying where it went.

import type { Side } from '../../worker/sessionApi';
import { useSidesStore } from '../../state/sidesStore';
import { useViewStore } from '../../state/viewStore';
import { pickedFiles } from '../download';

export async function loadIntoSide(side: Side, files: FileList | readonly File[] | null): Promise<void> {
  const picked = pickedFiles(files);
  if (picked.length === 0) return;
  useViewStore.getState().notify(`${picked.map((f) => f.name).join(' + ')} → ${side}`);
  await useSidesStore.getState().load(side, picked);
}
