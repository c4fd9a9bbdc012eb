/**
 * TemporalShift (TSM, Lin et al., ICCV 2019), mirroring mmaction/models/backbones/resnet_tsm.py:
 * wraps a module as `.net` (hence keys like `layer1.0.conv1.conv.net.weight`) and shifts
 * 1/shift_div of the channels one step back in time and another 1/shift_div one step forward
 * before calling it.
 */
import * as torch from '../../torch/index.ts';

type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** Shifts channels along time; x: [N*T, C, H, W] with T = numSegments. */
export function temporalShift(x: Tensor, numSegments: number, shiftDiv = 3): Tensor {
  return torch.tidy(() => {
    const [n, c, h, w] = x.shape;
    if (n % numSegments !== 0) throw new RangeError(`TemporalShift: batch ${n} is not a multiple of num_segments ${numSegments}`);
    const v = x.view(-1, numSegments, c, h * w); // [N, T, C, H*W]
    const fold = Math.floor(c / shiftDiv);
    let left = v.index(':', ':', `:${fold}`, ':');
    let mid = v.index(':', ':', `${fold}:${2 * fold}`, ':');
    const right = v.index(':', ':', `${2 * fold}:`, ':');
    // MMAction2 makes the blanks as `split - split` (zeros that keep NaN/inf behaviour).
    const blankL = left.sub(left).index(':', ':1', ':', ':');
    left = torch.cat([left.index(':', '1:', ':', ':'), blankL], 1); // frame t takes t+1
    const blankM = mid.sub(mid).index(':', ':1', ':', ':');
    mid = torch.cat([blankM, mid.index(':', ':-1', ':', ':')], 1); // frame t takes t-1
    return torch.cat([left, mid, right], 2).view(n, c, h, w);
  });
}

export class TemporalShift extends torch.nn.Module {
  constructor(net: Module, readonly numSegments = 3, readonly shiftDiv = 8) {
    super();
    this.registerModule('net', net);
  }

  get net(): Module { return this.getModule('net')!; }

  forward(x: Tensor): Tensor {
    const shifted = temporalShift(x, this.numSegments, this.shiftDiv);
    const y = this.net.call(shifted);
    if (y !== shifted) shifted.dispose();
    return y;
  }

  override extraRepr(): string { return `num_segments=${this.numSegments}, shift_div=${this.shiftDiv}`; }
}
