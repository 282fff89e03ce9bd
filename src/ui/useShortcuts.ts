// Keyboard: Ctrl+Z undo, Ctrl+Shift+Z / Ctrl+Y redo, Delete cuts the selected link, Escape clears the
// selection. Ignored while typing in a field.

import { useEffect } from 'react';
import { useMappingStore } from '../state/mappingStore';
import { useViewStore } from '../state/viewStore';

function typing(target: EventTarget | null): boolean {
  const element = target as HTMLElement | null;
  return (
    !!element && (element.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(element.tagName))
  );
}

export function useShortcuts(): void {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target)) return;
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      const mapping = useMappingStore.getState();
      const view = useViewStore.getState();
      if (mod && key === 'z') {
        event.preventDefault();
        if (event.shiftKey) mapping.redo();
        else mapping.undo();
      } else if (mod && key === 'y') {
        event.preventDefault();
        mapping.redo();
      } else if ((event.key === 'Delete' || event.key === 'Backspace') && view.selection?.kind === 'link') {
        event.preventDefault();
        if (mapping.apply({ kind: 'disconnect', target: view.selection.target })) view.select(null);
      } else if (event.key === 'Escape') {
        view.select(null);
        view.setRange(null);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
