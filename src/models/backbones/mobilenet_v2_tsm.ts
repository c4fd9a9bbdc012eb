/**
 * MobileNetV2TSM, mirroring mmaction/models/backbones/mobilenet_v2_tsm.py: initWeights() wraps
 * the first conv of every residual InvertedResidual in TemporalShift (`conv.0.net.conv.weight`).
 */
import { TemporalShift } from '../common/temporal_shift.ts';
import { InvertedResidual, MobileNetV2, type MobileNetV2Options } from './mobilenet_v2.ts';

export interface MobileNetV2TSMOptions extends MobileNetV2Options {
  /** Default 8. */
  num_segments: number;
  /** Default true. */
  is_shift: boolean;
  /** Default 8. */
  shift_div: number;
}

export const MOBILENET_V2_TSM_EXTRA_DEFAULTS = Object.freeze({ num_segments: 8, is_shift: true, shift_div: 8 } as const);

export class MobileNetV2TSM extends MobileNetV2 {
  readonly numSegments: number;
  readonly isShift: boolean;
  readonly shiftDiv: number;

  constructor(options: Partial<MobileNetV2TSMOptions> = {}) {
    const { num_segments = 8, is_shift = true, shift_div = 8, ...rest } = options;
    super(rest);
    this.numSegments = num_segments;
    this.isShift = is_shift;
    this.shiftDiv = shift_div;
  }

  makeTemporalShift(): void {
    for (const m of [...this.modules()]) {
      if (m instanceof InvertedResidual && m.conv.length === 3 && m.useResConnect) {
        m.conv.registerModule('0', new TemporalShift(m.conv.at(0), this.numSegments, this.shiftDiv));
      }
    }
  }

  /**
   * MMAction2 wraps the convs inside init_weights(), so calling it twice there wraps them twice
   * (keys `...net.net...`). Here a second call re-initialises the weights and leaves the structure.
   */
  override initWeights(): void {
    super.initWeights();
    if (this.isShift && !this.#shifted) this.makeTemporalShift();
    this.#shifted = true;
  }

  #shifted = false;
}
