// The page: toolbar, the two side headers, the diff view with the inspector beside it, the summary.
// Each panel has its own error boundary so one failure never blanks the page.

import { useEffect } from 'react';
import { connectMappingToSides } from '../state/mappingStore';
import { connectPlanToMapping } from '../state/planStore';
import { connectViewToSides } from '../state/viewStore';
import { loadDemoPair } from '../state/demoPair';
import { useSidesStore } from '../state/sidesStore';
import { PanelBoundary } from './PanelBoundary';
import { Toolbar } from './Toolbar';
import { SidePanel } from './sides/SidePanel';
import { DropOverlay } from './sides/DropOverlay';
import { GraphPanel } from './graph/GraphPanel';
import { Inspector } from './inspector/Inspector';
import { SummaryBar } from './SummaryBar';
import { useShortcuts } from './useShortcuts';

/** `?demo=0` opens an empty page (tests, people who only want their own files). */
function wantsDemo(): boolean {
  return new URLSearchParams(window.location.search).get('demo') !== '0';
}

// Once per page load, even where development mode runs effects twice.
let demoRequested = false;

export function App() {
  useShortcuts();
  useEffect(() => {
    const offMapping = connectMappingToSides();
    const offPlan = connectPlanToMapping();
    const offView = connectViewToSides();
    return () => {
      offMapping();
      offPlan();
      offView();
    };
  }, []);
  useEffect(() => {
    const { source, target } = useSidesStore.getState();
    const untouched = !source.spec && !target.spec && !source.loading && !target.loading;
    if (untouched && wantsDemo() && !demoRequested) {
      demoRequested = true;
      void loadDemoPair(import.meta.env.BASE_URL);
    }
  }, []);
  return (
    <div className="app">
      <PanelBoundary name="toolbar">
        <Toolbar />
      </PanelBoundary>
      <div className="sides">
        <PanelBoundary name="source">
          <SidePanel side="source" />
        </PanelBoundary>
        <PanelBoundary name="target">
          <SidePanel side="target" />
        </PanelBoundary>
      </div>
      <div className="workspace">
        <PanelBoundary name="graph">
          <GraphPanel />
        </PanelBoundary>
        <PanelBoundary name="inspector">
          <Inspector />
        </PanelBoundary>
      </div>
      <PanelBoundary name="summary">
        <SummaryBar />
      </PanelBoundary>
      <DropOverlay />
    </div>
  );
}
