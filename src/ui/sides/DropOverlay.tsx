// Files can be dropped anywhere: the half of the window they are dropped on decides the side. A lone
// mapping JSON (the CLI's -o M.json) is read as the mapping instead.

import { useEffect, useState } from 'react';
import type { Side } from '../../worker/sessionApi';
import { useMappingStore } from '../../state/mappingStore';
import { useViewStore } from '../../state/viewStore';
import { loadIntoSide } from './loadIntoSide';
import { looksLikeMapping } from './looksLikeMapping';

function carriesFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}

/**
 * Where the source half ends: the line between the two side headers, which is also the middle of the
 * graphs (the inspector on the right is not part of either half's graph).
 */
function splitX(): number {
  const sides = document.querySelector('.sides')?.getBoundingClientRect();
  return sides && sides.width > 0 ? sides.left + sides.width / 2 : window.innerWidth / 2;
}

const sideAt = (x: number): Side => (x < splitX() ? 'source' : 'target');

async function route(files: File[], side: Side): Promise<void> {
  if (files.length === 1 && files[0].name.toLowerCase().endsWith('.json')) {
    const text = await files[0].text();
    if (looksLikeMapping(text)) {
      const ok = useMappingStore.getState().loadText(text);
      useViewStore
        .getState()
        .notify(ok ? `${files[0].name} → mapping` : `${files[0].name} was not loaded as the mapping`);
      return;
    }
  }
  await loadIntoSide(side, files);
}

export function DropOverlay() {
  const [over, setOver] = useState<Side | null>(null);
  useEffect(() => {
    let depth = 0;
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth++;
      setOver(sideAt(event.clientX));
    };
    const move = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
      setOver(sideAt(event.clientX));
    };
    const leave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setOver(null);
    };
    const drop = (event: DragEvent) => {
      const files = Array.from(event.dataTransfer?.files ?? []);
      if (files.length === 0) return;
      event.preventDefault();
      depth = 0;
      setOver(null);
      void route(files, sideAt(event.clientX));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', move);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', move);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
  if (!over) return null;
  return (
    <div
      className="drop-overlay"
      data-testid="drop-overlay"
      style={{ gridTemplateColumns: `${splitX()}px 1fr` }}
    >
      <div className={`drop-half ${over === 'source' ? 'active' : ''}`}>
        <strong>Source</strong>
        <span>pretrained weights (+ architecture .json)</span>
      </div>
      <div className={`drop-half ${over === 'target' ? 'active' : ''}`}>
        <strong>Target</strong>
        <span>changed network (+ architecture .json)</span>
      </div>
    </div>
  );
}
