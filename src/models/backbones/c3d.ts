/**
 * C3D ("Learning Spatiotemporal Features with 3D Convolutional Networks", Tran et al., ICCV
 * 2015): eight 3x3x3 convs, five max pools and two 4096-wide fully connected layers.
 * Mirrors mmaction/models/backbones/c3d.py (`conv1a` ... `conv5b` ConvModules, `fc6`, `fc7`).
 * Channels are fixed; `out_dim` (default 8192 = 512 x 1 x 4 x 4, for 16 x 112 x 112 clips) is
 * the flattened size of pool5's output.
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { ConvModule, type ActCfg, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit, normalInit } from '../common/weight_init.ts';
import { loadPretrained } from '../pretrained.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export interface C3DOptions {
  pretrained: string | null;
  /** Accepted for config compatibility; C3D has no strided convs. */
  style: 'pytorch' | 'caffe';
  /** Default null: Conv3d. */
  conv_cfg: { type: 'Conv3d' } | null;
  /** Default null: no norm layers. */
  norm_cfg: NormCfg | null;
  /** Default null: ReLU. */
  act_cfg: ActCfg | null;
  /** Input width of fc6 (pool5's flattened size). Default 8192. */
  out_dim: number;
  dropout_ratio: number;
  /** Std of the Linear layers' normal init. Default 0.005. */
  init_std: number;
}

export const C3D_DEFAULTS = Object.freeze({
  pretrained: null, style: 'pytorch', conv_cfg: null, norm_cfg: null, act_cfg: null, out_dim: 8192, dropout_ratio: 0.5, init_std: 0.005,
} as const);

const LAYERS: [string, number, number][] = [
  ['conv1a', 3, 64], ['conv2a', 64, 128], ['conv3a', 128, 256], ['conv3b', 256, 256],
  ['conv4a', 256, 512], ['conv4b', 512, 512], ['conv5a', 512, 512], ['conv5b', 512, 512],
];

export class C3D extends nn.Module {
  readonly o: C3DOptions;
  readonly fc6: torch.nn.Linear;
  readonly fc7: torch.nn.Linear;

  constructor(options: Partial<C3DOptions> = {}) {
    super();
    const o = { ...C3D_DEFAULTS, ...options } as C3DOptions;
    this.o = o;
    const conv = (inC: number, outC: number) => new ConvModule(inC, outC, [3, 3, 3], {
      padding: [1, 1, 1], conv_cfg: o.conv_cfg ?? { type: 'Conv3d' }, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg ?? { type: 'ReLU' },
    });
    // Registration order is MMAction2's (convs and pools interleaved): it is also the init order.
    const pools: Record<string, Module> = {
      conv1a: new nn.MaxPool3d([1, 2, 2], { stride: [1, 2, 2] }),
      conv2a: new nn.MaxPool3d([2, 2, 2], { stride: [2, 2, 2] }),
      conv3b: new nn.MaxPool3d([2, 2, 2], { stride: [2, 2, 2] }),
      conv4b: new nn.MaxPool3d([2, 2, 2], { stride: [2, 2, 2] }),
      conv5b: new nn.MaxPool3d([2, 2, 2], { stride: [2, 2, 2], padding: [0, 1, 1] }),
    };
    const poolNames: Record<string, string> = { conv1a: 'pool1', conv2a: 'pool2', conv3b: 'pool3', conv4b: 'pool4', conv5b: 'pool5' };
    for (const [name, inC, outC] of LAYERS) {
      this.registerModule(name, conv(inC, outC));
      if (pools[name]) this.registerModule(poolNames[name], pools[name]);
    }
    this.fc6 = this.registerModule('fc6', new nn.Linear(o.out_dim, 4096));
    this.fc7 = this.registerModule('fc7', new nn.Linear(4096, 4096));
    this.registerModule('relu', new nn.ReLU());
    this.registerModule('dropout', new nn.Dropout(o.dropout_ratio));
  }

  /** init_weights: `pretrained` loaded non-strictly, or kaiming (fan_out) convs, normal(std=init_std) Linear layers, BN = 1. */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') { loadPretrained(p).loadInto(this, { strict: false }); return; }
    if (p !== null && p !== undefined) throw new TypeError('pretrained must be a str or None');
    for (const m of this.modules()) {
      if (m instanceof nn.Conv3d) kaimingInit(m);
      else if (m instanceof nn.Linear) normalInit(m, { std: this.o.init_std });
      else if (m instanceof nn.BatchNorm) constantInit(m, 1);
    }
  }

  /** x: [N, 3, T, H, W] -> [N, 4096] (fc7 after ReLU). */
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      for (const [name] of LAYERS) {
        x = this.getModule(name)!.call(x);
        const pool = { conv1a: 'pool1', conv2a: 'pool2', conv3b: 'pool3', conv4b: 'pool4', conv5b: 'pool5' }[name];
        if (pool) x = this.getModule(pool)!.call(x);
      }
      x = x.flatten(1); // [N, 512 * T' * H' * W']
      if (x.shape[1] !== this.o.out_dim) throw new RangeError(`C3D: pool5 gives ${x.shape[1]} features but out_dim is ${this.o.out_dim} (8192 needs 16x112x112 clips)`);
      const relu = this.getModule('relu')!;
      x = this.getModule('dropout')!.call(relu.call(this.fc6.call(x)));
      return relu.call(this.fc7.call(x));
    });
  }
}

/** Registry entry (type 'C3D'). */
export const C3D_ENTRY = defineEntry<C3DOptions, Backbone>({
  type: 'C3D',
  doc: 'C3D (mmaction/models/backbones/c3d.py)',
  defaults: C3D_DEFAULTS as unknown as Partial<C3DOptions>,
  kinds: { pretrained: ['string', 'null'], conv_cfg: ['object', 'null'], norm_cfg: ['object', 'null'], act_cfg: ['object', 'null'] },
  choices: { style: ['pytorch', 'caffe'] },
  build: (o) => new C3D(o),
});
