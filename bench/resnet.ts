/** A torchvision-layout ResNet (conv1/bn1/layerN/fc) for the engine benchmarks; bench/py/resnet.py is its PyTorch twin. */
import { torch } from '../src/index.ts';

const { nn, F } = torch;
type T = torch.Tensor;

class BasicBlock extends nn.Module {
  static expansion = 1;
  conv1: torch.nn.Conv2d; bn1: torch.nn.BatchNorm2d; conv2: torch.nn.Conv2d; bn2: torch.nn.BatchNorm2d;
  downsample: torch.nn.Sequential | null;
  constructor(inplanes: number, planes: number, stride: number, downsample: torch.nn.Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', new nn.Conv2d(inplanes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', new nn.Conv2d(planes, planes, 3, { padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new nn.BatchNorm2d(planes));
    this.downsample = this.registerModule('downsample', downsample);
  }
  forward(x: T): T {
    return torch.tidy(() => {
      const out = this.bn2.call(this.conv2.call(F.relu(this.bn1.call(this.conv1.call(x)))));
      const idt = this.downsample ? this.downsample.call(x) : x;
      return F.relu(out.add_(idt));
    });
  }
}

class Bottleneck extends nn.Module {
  static expansion = 4;
  conv1: torch.nn.Conv2d; bn1: torch.nn.BatchNorm2d; conv2: torch.nn.Conv2d; bn2: torch.nn.BatchNorm2d;
  conv3: torch.nn.Conv2d; bn3: torch.nn.BatchNorm2d; downsample: torch.nn.Sequential | null;
  constructor(inplanes: number, planes: number, stride: number, downsample: torch.nn.Sequential | null) {
    super();
    this.conv1 = this.registerModule('conv1', new nn.Conv2d(inplanes, planes, 1, { bias: false }));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(planes));
    this.conv2 = this.registerModule('conv2', new nn.Conv2d(planes, planes, 3, { stride, padding: 1, bias: false }));
    this.bn2 = this.registerModule('bn2', new nn.BatchNorm2d(planes));
    this.conv3 = this.registerModule('conv3', new nn.Conv2d(planes, planes * 4, 1, { bias: false }));
    this.bn3 = this.registerModule('bn3', new nn.BatchNorm2d(planes * 4));
    this.downsample = this.registerModule('downsample', downsample);
  }
  forward(x: T): T {
    return torch.tidy(() => {
      let out = F.relu(this.bn1.call(this.conv1.call(x)));
      out = F.relu(this.bn2.call(this.conv2.call(out)));
      out = this.bn3.call(this.conv3.call(out));
      const idt = this.downsample ? this.downsample.call(x) : x;
      return F.relu(out.add_(idt));
    });
  }
}

export class ResNet extends nn.Module {
  conv1: torch.nn.Conv2d; bn1: torch.nn.BatchNorm2d; fc: torch.nn.Linear;
  layers: torch.nn.Sequential[] = [];
  constructor(depth: 18 | 34 | 50 | 101, numClasses = 1000) {
    super();
    const cfg = { 18: [2, 2, 2, 2], 34: [3, 4, 6, 3], 50: [3, 4, 6, 3], 101: [3, 4, 23, 3] }[depth];
    const Block = depth >= 50 ? Bottleneck : BasicBlock;
    const exp = Block.expansion;
    this.conv1 = this.registerModule('conv1', new nn.Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(64));
    let inplanes = 64;
    cfg.forEach((n, i) => {
      const planes = 64 * 2 ** i;
      const stride = i === 0 ? 1 : 2;
      const blocks: torch.nn.Module[] = [];
      for (let b = 0; b < n; b++) {
        const s = b === 0 ? stride : 1;
        const ds = b === 0 && (s !== 1 || inplanes !== planes * exp)
          ? new nn.Sequential(new nn.Conv2d(inplanes, planes * exp, 1, { stride: s, bias: false }), new nn.BatchNorm2d(planes * exp)) : null;
        blocks.push(new Block(inplanes, planes, s, ds));
        inplanes = planes * exp;
      }
      this.layers.push(this.registerModule(`layer${i + 1}`, new nn.Sequential(...blocks)));
    });
    this.fc = this.registerModule('fc', new nn.Linear(512 * exp, numClasses));
  }
  forward(x: T): T {
    return torch.tidy(() => {
      let y = F.maxPool2d(F.relu(this.bn1.call(this.conv1.call(x))), 3, { stride: 2, padding: 1 });
      for (const l of this.layers) y = l.call(y);
      return this.fc.call(F.adaptiveAvgPool2d(y, 1).flatten(1));
    });
  }
}
