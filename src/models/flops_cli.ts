/**
 * `mmaction flops CONFIG [--shape ...] [--cfg-options K=V ...]`: FLOPs and parameters of a
 * config's model, counted like MMAction2's tools/analysis/get_flops.py (mmcv's counter on
 * forward_dummy). The CLI table (src/cli/index.ts) loads this module's `run`.
 */
import { Config } from '../config/config.ts';
import { buildModel, type ModelCfg } from './builder.ts';
import { formatComplexity, getModelComplexityInfo } from './flops.ts';

const USAGE = `usage: mmaction flops CONFIG [--shape N ...] [--cfg-options KEY=VALUE ...]

Counts FLOPs (multiply-accumulates, as mmcv and MMAction2's model zoo do) and parameters of
the model of CONFIG, running its forwardDummy once on zeros (random weights; pretrained=
files are not loaded).

  --shape S ...          like get_flops.py: one value H (input 1x3xHxH), two H W (1x3xHxW),
                         or the whole input shape, e.g. 1 8 3 224 224 for an 8-frame 2D
                         recognizer or 1 1 3 32 224 224 for a 3D one. Default 340 256.
  --cfg-options K=V ...  override config settings (model.cls_head.num_classes=101, ...)`;

/** get_flops.py's input shapes. */
export function flopsInputShape(shape: number[]): number[] {
  if (shape.length === 1) return [1, 3, shape[0], shape[0]];
  if (shape.length === 2) return [1, 3, ...shape];
  if (shape.length >= 4) return shape;
  throw new Error(`invalid input shape [${shape.join(', ')}] (give 1, 2, or at least 4 numbers)`);
}

export async function run(argv: string[]): Promise<number> {
  let config: string | undefined;
  let shape: number[] = [340, 256];
  const options: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const list = () => {
      const out: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out.push(argv[++i]);
      if (!out.length) throw new Error(`${a} needs at least one value\n\n${USAGE}`);
      return out;
    };
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    } else if (a === '--shape') {
      shape = list().map((v) => {
        const n = Number(v);
        if (!Number.isInteger(n) || n <= 0) throw new Error(`--shape: '${v}' is not a positive integer`);
        return n;
      });
    } else if (a === '--cfg-options' || a === '--options') {
      options.push(...list());
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option '${a}'\n\n${USAGE}`);
    } else if (config === undefined) {
      config = a;
    } else {
      throw new Error(`unexpected argument '${a}' (one CONFIG only)\n\n${USAGE}`);
    }
  }
  if (!config) {
    console.error(USAGE);
    return 2;
  }
  const cfg = Config.fromFile(config, { cfgOptions: options.length ? options : undefined });
  const modelCfg = cfg.get('model') as ModelCfg | undefined;
  if (!modelCfg) throw new Error(`${config}: no 'model' in the config`);
  // Random weights: the count does not depend on them, and nothing is downloaded.
  const noPretrained = structuredClone(modelCfg) as ModelCfg & { backbone?: { pretrained?: unknown } };
  if (noPretrained.backbone && 'pretrained' in noPretrained.backbone) noPretrained.backbone.pretrained = null;
  const model = buildModel(noPretrained, { train_cfg: cfg.get('train_cfg') as never, test_cfg: cfg.get('test_cfg') as never }).eval();
  const input = flopsInputShape(shape);
  const info = getModelComplexityInfo(model, input);
  const f = formatComplexity(info);
  const line = '='.repeat(30);
  console.log(`${line}\nInput shape: (${input.join(', ')})\nFlops: ${f.flops}\nParams: ${f.params}\n${line}`);
  console.log(`(exact: ${info.flops} FLOPs, ${info.params} parameters)`);
  return 0;
}
