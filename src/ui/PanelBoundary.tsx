// One broken panel must not blank the page: each panel renders inside this boundary, which shows what
// failed and offers to try again.

import { Component, type ReactNode } from 'react';

interface PanelBoundaryProps {
  name: string;
  children: ReactNode;
}

interface PanelBoundaryState {
  error: Error | null;
}

export class PanelBoundary extends Component<PanelBoundaryProps, PanelBoundaryState> {
  override state: PanelBoundaryState = { error: null };

  static getDerivedStateFromError(error: Error): PanelBoundaryState {
    return { error };
  }

  override componentDidCatch(error: Error): void {
    console.error(`panel '${this.props.name}' failed`, error);
  }

  override render(): ReactNode {
    if (!this.state.error) return this.props.children;
    return (
      <div className="panel-failed" role="alert">
        <strong>The {this.props.name} panel failed:</strong> {this.state.error.message}
        <button type="button" onClick={() => this.setState({ error: null })}>
          try again
        </button>
      </div>
    );
  }
}
