// The layer graph of one model: plain, serialisable data. The planner walks it to couple channel
// selections and the app draws it, so it holds nothing but ids, names and edges.

export interface GraphNode {
  /** `LayerSpec.id`. */
  id: string;
  name: string;
  className: string | null;
  /** Enclosing nested models, outermost first. */
  path: string[];
  /** Id of the enclosing nested model, or null at top level. */
  parent: string | null;
  /** Position in `ModelSpec.layers`; -1 for an implicit node (see `implicit`). */
  order: number;
  weightCount: number;
  /** A nested model: it contains `children` and is never an edge end (edges go to its inner layers). */
  isModel: boolean;
  children: string[];
  /** A layer the config refers to but the spec does not list (an input layer left out by the reader). */
  implicit: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  /** Which call of the consumer this input belongs to. */
  call: number;
  /** Position of this input among the call's inputs. */
  port: number;
  /** Which output of the producer (for a nested model: which of its outputs). */
  tensor: number;
}

export interface LayerGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Layers that receive the model's inputs. */
  inputs: string[];
  /** Layers whose outputs are the model's outputs. */
  outputs: string[];
  /** `inbound`: edges from the layers' configs; `chain`: layer order only (no architecture); `mixed`: some of each. */
  connectivity: 'inbound' | 'chain' | 'mixed';
  /** References that could not be resolved. */
  problems: string[];
}
