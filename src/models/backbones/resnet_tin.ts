/**
 * ResNetTIN (Temporal Interlace Network, Shao et al., AAAI 2020), mirroring
 * mmaction/models/backbones/resnet_tin.py: initWeights() puts a TemporalInterlace in front of
 * every block's first conv (`layer1.0.conv1.conv.net1.offset_net.*`, `...conv.net2.weight`).
 * mmcv's compiled `tin_shift` op is written here with a gather (same result, CPU and GPU).
 */
import * as torch from '../../torch/index.ts';
import { ResNetTSM, type ResNetTSMOptions } from './resnet_tsm.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/**
 * mmcv.ops.tin_shift: x [N, T, C, HW], shift [N, G] (integers) -> out with
 * out[n, t + shift[n, g], c] = x[n, t, c] for the channels c of group g, zeros where nothing lands.
 */
export function tinShift(x: Tensor, shift: Tensor): Tensor {
  return torch.tidy(() => {
    const [n, t, c, hw] = x.shape;
    const g = shift.shape[1];
    if (c % g !== 0) throw new RangeError(`tin_shift: channels ${c} are not divisible by the ${g} shift groups`);
    const perChannel = shift.long().repeatInterleave(c / g, 1); // [N, C]
    const src = torch.arange(0, t, 1, { dtype: 'int64' }).view(1, t, 1).sub(perChannel.unsqueeze(1)); // [N, T, C]: where out[t] reads from
    const valid = src.ge(0).logicalAnd(src.lt(t));
    const idx = src.clamp(0, t - 1).unsqueeze(3).expand(n, t, c, hw);
    return x.gather(1, idx).mul(valid.unsqueeze(3).to(x.dtype));
  });
}

/** linear_sampler: fractional temporal shifts as a blend of the two neighbouring integer shifts. */
export function linearSampler(data: Tensor, offset: Tensor): Tensor {
  return torch.tidy(() => {
    const [n, t, c, h, w] = data.shape;
    const off0 = offset.floor();
    const d = data.view(n, t, c, h * w).contiguous();
    const data0 = tinShift(d, off0.int());
    const data1 = tinShift(d, off0.add(1).int());
    const w0 = offset.sub(off0).rsub(1); // 1 - (offset - floor)
    const w1 = w0.rsub(1);
    const g = offset.shape[1];
    const expand = (wt: Tensor) => wt.unsqueeze(2).repeat(1, 1, Math.floor(c / g)).view(wt.shape[0], -1).unsqueeze(1).unsqueeze(3); // [N, 1, C, 1]
    return expand(w0).mul(data0).add(expand(w1).mul(data1)).view(n, t, c, h, w);
  });
}

/** Runs net1 then net2 (the interlace, then the original conv). */
export class CombineNet extends nn.Module {
  constructor(net1: Module, net2: Module) {
    super();
    this.registerModule('net1', net1);
    this.registerModule('net2', net2);
  }
  forward(x: Tensor): Tensor {
    return torch.tidy(() => this.getModule('net2')!.call(this.getModule('net1')!.call(x)));
  }
}

/** Per-frame, per-group weights in (0, 2). */
export class WeightNet extends nn.Module {
  readonly conv: torch.nn.Conv1d;
  constructor(inChannels: number, readonly groups: number) {
    super();
    this.registerModule('sigmoid', new nn.Sigmoid());
    this.conv = this.registerModule('conv', new nn.Conv1d(inChannels, groups, 3, { padding: 1 }));
    torch.noGrad(() => this.conv.bias!.zero_());
  }
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const [n, , t] = x.shape;
      return this.conv.call(x).view(n, this.groups, t).permute(0, 2, 1).sigmoid().mul(2); // [N, T, G]
    });
  }
}

/** Per-group temporal offsets in (-2, 2). */
export class OffsetNet extends nn.Module {
  constructor(inChannels: number, readonly groups: number, readonly numSegments: number) {
    super();
    this.registerModule('sigmoid', new nn.Sigmoid());
    this.registerModule('conv', new nn.Conv1d(inChannels, 1, 3, { padding: 1 }));
    this.registerModule('fc1', new nn.Linear(numSegments, numSegments));
    this.registerModule('relu', new nn.ReLU());
    const fc2 = this.registerModule('fc2', new nn.Linear(numSegments, groups));
    torch.noGrad(() => fc2.bias!.fill_(0.5108));
  }
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const [n, , t] = x.shape;
      let y = this.getModule('conv')!.call(x).view(n, t);
      y = this.getModule('relu')!.call(this.getModule('fc1')!.call(y));
      y = this.getModule('fc2')!.call(y).view(n, 1, -1);
      return y.sigmoid().sub(0.5).mul(4); // [N, 1, G]
    });
  }
}

/** TemporalInterlace: shifts the first C/shift_div channels by learned fractional offsets. */
export class TemporalInterlace extends nn.Module {
  readonly deformGroups = 2;
  readonly offsetNet: OffsetNet;
  readonly weightNet: WeightNet;

  constructor(readonly inChannels: number, readonly numSegments = 3, readonly shiftDiv = 1) {
    super();
    this.offsetNet = this.registerModule('offset_net', new OffsetNet(Math.floor(inChannels / shiftDiv), this.deformGroups, numSegments));
    this.weightNet = this.registerModule('weight_net', new WeightNet(Math.floor(inChannels / shiftDiv), this.deformGroups));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const [n, c, h, w] = x.shape;
      const t = this.numSegments;
      const b = Math.floor(n / t);
      const folds = Math.floor(c / this.shiftDiv);
      const desc = x.index(':', `:${folds}`).reshape(b, t, folds, h, w); // [B, T, F, H, W]
      const pooled = desc.mean(3).mean(3).permute(0, 2, 1).contiguous(); // [B, F, T]
      let offset = this.offsetNet.call(pooled).view(b, -1); // [B, G]
      const weight = this.weightNet.call(pooled); // [B, T, G]
      offset = torch.cat([offset, offset.neg()], 1); // [B, 2G]
      let shifted = linearSampler(desc, offset); // [B, T, F, H, W]
      const wt = weight.unsqueeze(3).repeat(1, 1, 2, Math.floor(folds / 2 / 2)).view(b, t, -1).unsqueeze(3).unsqueeze(4); // [B, T, F, 1, 1]
      shifted = shifted.mul(wt).contiguous().view(n, folds, h, w);
      return torch.cat([shifted, x.index(':', `${folds}:`)], 1);
    });
  }
}

export interface ResNetTINOptions extends ResNetTSMOptions {
  /** Default true. */
  is_tin: boolean;
}

export const RESNET_TIN_EXTRA_DEFAULTS = Object.freeze({ num_segments: 8, is_tin: true, shift_div: 4 } as const);

export class ResNetTIN extends ResNetTSM {
  readonly isTin: boolean;

  constructor(options: Partial<ResNetTINOptions> & { depth: number }) {
    const { is_tin = true, ...rest } = options;
    super({ shift_div: 4, ...rest });
    this.isTin = is_tin;
  }

  /** ResNet's init, then the interlace modules (no temporal shift, no temporal pool), like MMAction2. */
  override initWeights(): void {
    this.initResNetWeights();
    if (this.isTin) this.makeTemporalInterlace();
  }

  makeTemporalInterlace(): void {
    for (let i = 1; i <= 4; i++) {
      const stage = this.getModule(`layer${i}`);
      if (!stage) throw new Error(`ResNetTIN needs all four stages (layer${i} is missing)`);
      const blocks = [...stage.children()];
      for (const b of blocks) {
        const conv1 = b.getModule('conv1') as Module & { inChannels: number };
        const tin = new TemporalInterlace(conv1.inChannels, this.tsm.num_segments, this.tsm.shift_div);
        conv1.registerModule('conv', new CombineNet(tin, conv1.getModule('conv')!));
      }
      this.registerModule(`layer${i}`, new nn.Sequential(...blocks));
    }
  }
}
