/**
 * ResNetTSM (TSM, Lin et al., ICCV 2019), mirroring mmaction/models/backbones/resnet_tsm.py: a
 * ResNet whose initWeights() wraps convs (or blocks) in TemporalShift, so the keys gain `.net`:
 * `shift_place='blockres'` gives `layer1.0.conv1.conv.net.weight`, `'block'` gives
 * `layer1.0.net.conv1.conv.weight`; `temporal_pool` wraps layer2 (`layer2.net.0...`).
 */
import * as torch from '../../torch/index.ts';
import { TemporalShift } from '../common/temporal_shift.ts';
import { NonLocal3d, type NonLocal3dOptions } from './non_local.ts';
import { Bottleneck, ResNet, type ResNetOptions } from './resnet.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export interface ResNetTSMOptions extends ResNetOptions {
  /** Frames per clip. Default 8. */
  num_segments: number;
  /** Default true. */
  is_shift: boolean;
  /** Per-stage lists of per-block flags, e.g. [[0, 0, 0], [1, 0, 1, 0], ...]. Default [0, 0, 0, 0]. */
  non_local: (number | number[])[];
  /** mmcv NonLocal3d options; non-local blocks are inserted only when this is not empty. Default {}. */
  non_local_cfg: NonLocal3dOptions;
  /** Default 8. */
  shift_div: number;
  /** 'blockres' (default) or 'block'. */
  shift_place: 'blockres' | 'block';
  /** Default false. */
  temporal_pool: boolean;
}

export const RESNET_TSM_EXTRA_DEFAULTS = Object.freeze({
  num_segments: 8, is_shift: true, non_local: [0, 0, 0, 0], non_local_cfg: {}, shift_div: 8,
  shift_place: 'blockres', temporal_pool: false,
} as const);

/** TemporalPool: max-pools time by 2 (kernel 3, stride 2, padding 1) before `net` (layer2). */
export class TemporalPool extends nn.Module {
  constructor(net: Module, readonly numSegments: number) {
    super();
    this.registerModule('net', net);
    this.registerModule('max_pool3d', new nn.MaxPool3d([3, 1, 1], { stride: [2, 1, 1], padding: [1, 0, 0] }));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const [n, c, h, w] = x.shape;
      let y = x.view(Math.floor(n / this.numSegments), this.numSegments, c, h, w).transpose(1, 2); // [N, C, T, H, W]
      y = this.getModule('max_pool3d')!.call(y);
      y = y.transpose(1, 2).contiguous().view(Math.floor(n / 2), c, h, w); // [N*T/2, C, H, W]
      return this.getModule('net')!.call(y);
    });
  }
}

/** A residual block followed by a NonLocal3d over the clip's frames (keys `block.*`, `non_local_block.*`). */
export class NL3DWrapper extends nn.Module {
  constructor(block: Module, readonly numSegments: number, nonLocalCfg: NonLocal3dOptions = {}) {
    super();
    if (!(block instanceof Bottleneck)) throw new TypeError('NL3DWrapper: non-local blocks need Bottleneck blocks (block.conv3), as in MMAction2');
    this.registerModule('block', block);
    this.registerModule('non_local_block', new NonLocal3d(block.conv3.outChannels, structuredClone(nonLocalCfg)));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let y = this.getModule('block')!.call(x);
      const [n, c, h, w] = y.shape;
      const t = this.numSegments;
      y = y.view(Math.floor(n / t), t, c, h, w).transpose(1, 2).contiguous(); // [N, C, T, H, W]
      y = this.getModule('non_local_block')!.call(y);
      return y.transpose(1, 2).contiguous().view(n, c, h, w);
    });
  }
}

export class ResNetTSM extends ResNet {
  readonly tsm: Pick<ResNetTSMOptions, keyof typeof RESNET_TSM_EXTRA_DEFAULTS>;

  constructor(options: Partial<ResNetTSMOptions> & { depth: number }) {
    const { num_segments, is_shift, non_local, non_local_cfg, shift_div, shift_place, temporal_pool, ...rest } =
      { ...structuredClone(RESNET_TSM_EXTRA_DEFAULTS), ...options } as ResNetTSMOptions;
    super(rest);
    this.tsm = { num_segments, is_shift, non_local, non_local_cfg, shift_div, shift_place, temporal_pool };
    if (shift_place !== 'blockres' && shift_place !== 'block') throw new TypeError(`shift_place must be 'blockres' or 'block', got '${shift_place as string}'`);
  }

  #wrapped = false;

  get numSegments(): number { return this.tsm.num_segments; }

  /** ResNet's own init (ResNetTIN skips the shift wrapping, as MMAction2 does with super(ResNetTSM, self)). */
  protected initResNetWeights(): void {
    super.initWeights();
  }

  /**
   * As MMAction2, the shift/non-local/temporal-pool wrapping happens in initWeights(); unlike
   * MMAction2 a second call only re-initialises (MMAction2 would wrap the blocks again).
   */
  override initWeights(): void {
    super.initWeights();
    if (this.#wrapped) return;
    this.#wrapped = true;
    if (this.tsm.is_shift) this.makeTemporalShift();
    if (Object.keys(this.tsm.non_local_cfg).length !== 0) this.makeNonLocal();
    if (this.tsm.temporal_pool) this.makeTemporalPool();
  }

  /** Wraps the blocks flagged in `non_local` (per stage: one flag per block) in NL3DWrapper. */
  makeNonLocal(): void {
    const nl = this.tsm.non_local;
    const stages = nl.length === 1 ? Array(this.numStages).fill(nl[0]) : nl;
    if (stages.length !== this.numStages) throw new RangeError(`non_local: expected ${this.numStages} stage entries, got ${nl.length}`);
    for (let i = 0; i < this.numStages; i++) {
      const flags = stages[i];
      if (!Array.isArray(flags)) {
        if (flags) throw new TypeError(`non_local[${i}]: expected a list of per-block flags, got ${JSON.stringify(flags)}`);
        continue;
      }
      if (flags.reduce((a, b) => a + b, 0) === 0) continue;
      const layer = this.stage(i + 1);
      flags.forEach((f, idx) => {
        if (!f) return;
        const block = layer.getModule(String(idx));
        if (!block) throw new RangeError(`non_local[${i}] flags block ${idx}, but layer${i + 1} has ${layer.length} blocks`);
        layer.registerModule(String(idx), new NL3DWrapper(block, this.tsm.num_segments, this.tsm.non_local_cfg));
      });
    }
  }

  private stage(i: number): torch.nn.Sequential {
    const m = this.getModule(`layer${i}`);
    if (!m) throw new Error(`ResNetTSM needs all four stages (layer${i} is missing; num_stages=${this.numStages}), like MMAction2's`);
    return m as torch.nn.Sequential;
  }

  makeTemporalShift(): void {
    const t = this.tsm;
    const segs = t.temporal_pool ? [t.num_segments, t.num_segments >> 1, t.num_segments >> 1, t.num_segments >> 1] : Array(4).fill(t.num_segments);
    if (segs[3] <= 0) throw new RangeError('num_segment_list[-1] must be positive');
    if (t.shift_place === 'block') {
      for (let i = 1; i <= 4; i++) {
        const blocks = [...this.stage(i).children()].map((b) => new TemporalShift(b, segs[i - 1], t.shift_div));
        this.registerModule(`layer${i}`, new nn.Sequential(...blocks));
      }
    } else {
      // Very deep nets (layer3 with >= 23 blocks) shift every other block.
      const nRound = [...this.stage(3).children()].length >= 23 ? 2 : 1;
      for (let i = 1; i <= 4; i++) {
        const blocks = [...this.stage(i).children()];
        blocks.forEach((b, j) => {
          if (j % nRound !== 0) return;
          const conv1 = b.getModule('conv1')!;
          conv1.registerModule('conv', new TemporalShift(conv1.getModule('conv')!, segs[i - 1], t.shift_div));
        });
        this.registerModule(`layer${i}`, new nn.Sequential(...blocks));
      }
    }
  }

  makeTemporalPool(): void {
    this.registerModule('layer2', new TemporalPool(this.stage(2), this.tsm.num_segments));
  }
}
