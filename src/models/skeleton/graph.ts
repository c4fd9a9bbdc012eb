/**
 * The skeleton graphs of ST-GCN ("Spatial Temporal Graph Convolutional Networks for
 * Skeleton-Based Action Recognition", Yan et al., AAAI 2018), mirroring
 * mmaction/models/skeleton_gcn/utils/graph.py: a joint layout (which joints are linked, which
 * joint is the centre) and a partition strategy turn into the stacked, column-normalised
 * adjacency `A` [K, V, V] that the backbone keeps as buffer `backbone.A`.
 *
 * Computed in float64 like numpy and rounded to float32 once, as `torch.tensor(A, float32)` does.
 */

/** Joint layouts: OpenPose (18 / 25 joints), NTU RGB+D (25), NTU bones (24), COCO (17). */
export type GraphLayout = 'openpose-18' | 'openpose-25' | 'ntu-rgb+d' | 'ntu_edge' | 'coco';
/** Partition strategies of the paper (uniform, distance, spatial) and 2s-AGCN's three fixed graphs. */
export type GraphStrategy = 'uniform' | 'distance' | 'spatial' | 'agcn';

export const GRAPH_LAYOUTS: readonly GraphLayout[] = ['openpose-18', 'openpose-25', 'ntu-rgb+d', 'ntu_edge', 'coco'];
export const GRAPH_STRATEGIES: readonly GraphStrategy[] = ['uniform', 'distance', 'spatial', 'agcn'];

/** `graph_cfg` of STGCN (the Graph class's constructor arguments). */
export interface GraphCfg {
  /** Default 'openpose-18'. */
  layout: GraphLayout;
  /** Default 'uniform'. */
  strategy: GraphStrategy;
  /** The largest hop distance linked by the graph. Default 1. */
  max_hop: number;
  /** Spacing between the hop distances used. Default 1. */
  dilation: number;
}

export const GRAPH_DEFAULTS = Object.freeze({ layout: 'openpose-18', strategy: 'uniform', max_hop: 1, dilation: 1 } as const);

type Edge = readonly [number, number];
type Matrix = Float64Array[];

interface LayoutSpec {
  numNode: number;
  /** Links between distinct joints, 0-based, as MMAction2 lists them. */
  neighbors: Edge[];
  center: number;
  /** Whether MMAction2 keeps self/neighbour links for the 'agcn' strategy. */
  agcn: boolean;
}

const oneBased = (pairs: Edge[]): Edge[] => pairs.map(([i, j]) => [i - 1, j - 1] as const);

const LAYOUTS: Record<GraphLayout, LayoutSpec> = {
  'openpose-18': {
    numNode: 18, center: 1, agcn: false,
    neighbors: [[4, 3], [3, 2], [7, 6], [6, 5], [13, 12], [12, 11], [10, 9], [9, 8], [11, 5], [8, 2], [5, 1], [2, 1], [0, 1], [15, 0], [14, 0],
      [17, 15], [16, 14]],
  },
  'openpose-25': {
    numNode: 25, center: 1, agcn: true,
    neighbors: [[4, 3], [3, 2], [7, 6], [6, 5], [23, 22], [22, 11], [24, 11], [11, 10], [10, 9], [9, 8], [20, 19], [19, 14], [21, 14], [14, 13],
      [13, 12], [12, 8], [8, 1], [5, 1], [2, 1], [0, 1], [15, 0], [16, 0], [17, 15], [18, 16]],
  },
  'ntu-rgb+d': {
    numNode: 25, center: 21 - 1, agcn: true,
    neighbors: oneBased([[1, 2], [2, 21], [3, 21], [4, 3], [5, 21], [6, 5], [7, 6], [8, 7], [9, 21], [10, 9], [11, 10], [12, 11], [13, 1], [14, 13],
      [15, 14], [16, 15], [17, 1], [18, 17], [19, 18], [20, 19], [22, 23], [23, 8], [24, 25], [25, 12]]),
  },
  ntu_edge: {
    numNode: 24, center: 2, agcn: false,
    neighbors: oneBased([[1, 2], [3, 2], [4, 3], [5, 2], [6, 5], [7, 6], [8, 7], [9, 2], [10, 9], [11, 10], [12, 11], [13, 1], [14, 13], [15, 14],
      [16, 15], [17, 1], [18, 17], [19, 18], [20, 19], [21, 22], [22, 8], [23, 24], [24, 12]]),
  },
  coco: {
    numNode: 17, center: 0, agcn: false,
    neighbors: oneBased([[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [8, 6], [9, 7], [10, 8], [11, 9], [2, 3],
      [2, 1], [3, 1], [4, 2], [5, 3], [4, 6], [5, 7]]),
  },
};

const zeros = (n: number): Matrix => Array.from({ length: n }, () => new Float64Array(n));

/** get_hop_distance: hops between joints (Infinity beyond max_hop), from powers of the symmetric adjacency. */
export function hopDistance(numNode: number, edges: readonly Edge[], maxHop = 1): Matrix {
  const adj = zeros(numNode);
  for (const [i, j] of edges) { adj[i]![j] = 1; adj[j]![i] = 1; }
  // arrive[d][i][j]: (adj^d)[i][j] > 0. The entries are non-negative, so reachability in d steps says the same.
  const arrive: boolean[][][] = [];
  let reach: boolean[][] = Array.from({ length: numNode }, (_, i) => Array.from({ length: numNode }, (_, j) => i === j));
  for (let d = 0; d <= maxHop; d++) {
    arrive.push(reach);
    reach = reach.map((row) => Array.from({ length: numNode }, (_, j) => row.some((r, k) => r && adj[k]![j] !== 0)));
  }
  const hop = Array.from({ length: numNode }, () => new Float64Array(numNode).fill(Infinity));
  for (let d = maxHop; d >= 0; d--) {
    for (let i = 0; i < numNode; i++) for (let j = 0; j < numNode; j++) if (arrive[d]![i]![j]) hop[i]![j] = d;
  }
  return hop;
}

/** normalize_digraph: A · diag(1 / column sums) (columns summing to 0 stay 0). */
export function normalizeDigraph(a: Matrix): Matrix {
  const n = a.length;
  const out = zeros(n);
  for (let j = 0; j < n; j++) {
    let dl = 0;
    for (let i = 0; i < n; i++) dl += a[i]![j]!;
    if (dl > 0) {
      const inv = 1 / dl; // numpy's Dl ** -1
      for (let i = 0; i < n; i++) out[i]![j] = a[i]![j]! * inv;
    }
  }
  return out;
}

/** edge2mat: A[j][i] = 1 for every link (i, j). */
function edgeMatrix(links: readonly Edge[], n: number): Matrix {
  const a = zeros(n);
  for (const [i, j] of links) a[j]![i] = 1;
  return a;
}

/** MMAction2's Graph: `A` ([K, V, V] as K matrices of float64 rows), `numNode`, `center`, `edge`, `hopDis`. */
export class Graph {
  readonly layout: GraphLayout;
  readonly strategy: GraphStrategy;
  readonly maxHop: number;
  readonly dilation: number;
  readonly numNode: number;
  readonly center: number;
  /** Self links then neighbour links, as MMAction2's `self.edge`. */
  readonly edge: Edge[];
  readonly hopDis: Matrix;
  readonly A: Matrix[];

  constructor(cfg: Partial<GraphCfg> = {}, where = 'graph_cfg') {
    const o = { ...GRAPH_DEFAULTS, ...cfg } as GraphCfg;
    for (const k of Object.keys(cfg)) {
      if (!(k in GRAPH_DEFAULTS)) throw new TypeError(`${where}: unknown option '${k}' for Graph (valid: ${Object.keys(GRAPH_DEFAULTS).join(', ')})`);
    }
    if (!GRAPH_LAYOUTS.includes(o.layout)) throw new RangeError(`${where}.layout: '${o.layout}' is not supported (one of ${GRAPH_LAYOUTS.join(', ')})`);
    if (!GRAPH_STRATEGIES.includes(o.strategy)) throw new RangeError(`${where}.strategy: '${o.strategy}' is not supported (one of ${GRAPH_STRATEGIES.join(', ')})`);
    for (const k of ['max_hop', 'dilation'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < (k === 'dilation' ? 1 : 0)) throw new RangeError(`${where}.${k}: expected an integer >= ${k === 'dilation' ? 1 : 0}, got ${o[k]}`);
    }
    this.layout = o.layout;
    this.strategy = o.strategy;
    this.maxHop = o.max_hop;
    this.dilation = o.dilation;
    const spec = LAYOUTS[o.layout];
    this.numNode = spec.numNode;
    this.center = spec.center;
    const selfLinks: Edge[] = Array.from({ length: spec.numNode }, (_, i) => [i, i] as const);
    this.edge = [...selfLinks, ...spec.neighbors];
    this.hopDis = hopDistance(this.numNode, this.edge, this.maxHop);
    if (o.strategy === 'agcn' && !spec.agcn) {
      // MMAction2 keeps self_link/neighbor_link only for these two layouts (an AttributeError otherwise).
      throw new RangeError(`${where}: strategy 'agcn' needs layout 'ntu-rgb+d' or 'openpose-25' (MMAction2 defines its links only for those), got '${o.layout}'`);
    }
    this.A = this.adjacency(o.strategy, selfLinks, spec.neighbors);
  }

  /** The kernel size K (number of partitions). */
  get numSubsets(): number {
    return this.A.length;
  }

  /** get_adjacency(strategy). */
  private adjacency(strategy: GraphStrategy, selfLinks: Edge[], neighbors: Edge[]): Matrix[] {
    const n = this.numNode;
    const hop = this.hopDis;
    const validHop: number[] = [];
    for (let h = 0; h <= this.maxHop; h += this.dilation) validHop.push(h);
    const adjacency = zeros(n);
    for (const h of validHop) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (hop[i]![j] === h) adjacency[i]![j] = 1;
    const norm = normalizeDigraph(adjacency);

    switch (strategy) {
      case 'uniform':
        return [norm];
      case 'distance':
        return validHop.map((h) => {
          const a = zeros(n);
          for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (hop[i]![j] === h) a[i]![j] = norm[i]![j]!;
          return a;
        });
      case 'spatial': {
        const out: Matrix[] = [];
        const c = this.center;
        for (const h of validHop) {
          const root = zeros(n), close = zeros(n), further = zeros(n);
          for (let i = 0; i < n; i++) {
            for (let j = 0; j < n; j++) {
              if (hop[j]![i] !== h) continue;
              // Joints as far from the centre as the other: root; closer to the centre: centripetal; else centrifugal.
              if (hop[j]![c] === hop[i]![c]) root[j]![i] = norm[j]![i]!;
              else if (hop[j]![c]! > hop[i]![c]!) close[j]![i] = norm[j]![i]!;
              else further[j]![i] = norm[j]![i]!;
            }
          }
          if (h === 0) out.push(root);
          else {
            out.push(root.map((row, i) => row.map((v, j) => v + close[i]![j]!)));
            out.push(further);
          }
        }
        return out;
      }
      case 'agcn': {
        const outward = neighbors.map(([i, j]) => [j, i] as const);
        return [edgeMatrix(selfLinks, n), normalizeDigraph(edgeMatrix(neighbors, n)), normalizeDigraph(edgeMatrix(outward, n))];
      }
    }
  }

  /** `A` as a flat float32 array, row-major [K, V, V] (what `torch.tensor(A, dtype=float32)` holds). */
  toFloat32(): Float32Array {
    const n = this.numNode;
    const out = new Float32Array(this.A.length * n * n);
    this.A.forEach((m, k) => m.forEach((row, i) => out.set(row, (k * n + i) * n)));
    return out;
  }
}
