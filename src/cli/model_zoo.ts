/**
 * `mmaction model-zoo list|info|download`: the MMAction2 models this package can run by name
 * (`mmaction demo --model NAME VIDEO`), with their configs, checkpoint URLs and accuracies.
 */
import { existsSync } from 'node:fs';
import { getModelInfo, listModels, resolveModel, type ModelZooEntry } from '../apis/model_zoo.ts';
import { cachePathOf, download } from '../models/download.ts';

const USAGE = `usage: mmaction model-zoo list [--collection NAME] [--dataset NAME] [--json]
       mmaction model-zoo info NAME [--json]
       mmaction model-zoo download NAME

MMAction2 0.24's published recognizers that run here, by name (\`mmaction demo --model NAME VIDEO\`).
  list        one line per model: name, dataset, top-1/top-5 accuracy (%) as MMAction2 reports them
              --collection tsn|tsm|i3d|slowfast|...   --dataset kinetics-400|sthv2|ucf101|...
  info NAME   config, checkpoint URL, label map, accuracies and the checkpoint's cache path
  download NAME   fetch the checkpoint into the cache ($MMACTION_TS_CACHE, else $TORCH_HOME/hub/checkpoints)`;

const pct = (v: number | null) => (v === null ? '-' : v.toFixed(2));

function listLines(entries: ModelZooEntry[]): string[] {
  const w = Math.max(4, ...entries.map((e) => e.name.length));
  const dw = Math.max(7, ...entries.map((e) => e.dataset.length));
  const head = `${'name'.padEnd(w)}  ${'dataset'.padEnd(dw)}  ${'top1'.padStart(10)}  ${'top5'.padStart(6)}`;
  return [head, ...entries.map((e) =>
    `${e.name.padEnd(w)}  ${e.dataset.padEnd(dw)}  ${(e.mAP !== null && e.top1 === null ? `mAP ${pct(e.mAP)}` : pct(e.top1)).padStart(10)}  ${pct(e.top5).padStart(6)}`)];
}

function infoLines(name: string): string[] {
  const m = resolveModel(name);
  const e = m.entry;
  const cache = cachePathOf(e.checkpoint);
  return [
    `name:         ${e.name}${e.mmaction2Name !== e.name ? ` (MMAction2: ${e.mmaction2Name})` : ''}`,
    `collection:   ${e.collection}`,
    `architecture: ${e.architecture ?? '-'}`,
    `pretrained:   ${e.pretrained ?? 'none (from scratch)'}`,
    `dataset:      ${e.dataset}${e.resolution ? ` (${e.resolution})` : ''}`,
    `accuracy:     ${e.top1 !== null ? `top-1 ${pct(e.top1)}%` : ''}${e.top5 !== null ? `, top-5 ${pct(e.top5)}%` : ''}${e.mAP !== null ? `mAP ${pct(e.mAP)}%` : ''}`,
    `config:       ${m.config}`,
    `label map:    ${m.labelMap}`,
    `checkpoint:   ${e.checkpoint}`,
    `cache:        ${cache} (${existsSync(cache) ? 'downloaded' : 'not downloaded'})`,
  ];
}

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (!sub || sub === '-h' || sub === '--help') {
    console.log(USAGE);
    return sub ? 0 : 1;
  }
  const json = rest.includes('--json');
  const args = rest.filter((a) => a !== '--json');
  const value = (flag: string): string | undefined => {
    const i = args.indexOf(flag);
    if (i < 0) return undefined;
    const v = args[i + 1];
    if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
    args.splice(i, 2);
    return v;
  };
  switch (sub) {
    case 'list': {
      const entries = listModels({ collection: value('--collection'), dataset: value('--dataset') });
      if (args.length) throw new Error(`unexpected argument ${args[0]}\n\n${USAGE}`);
      if (json) console.log(JSON.stringify(entries, null, 2));
      else console.log([...listLines(entries), `${entries.length} models; \`mmaction model-zoo info NAME\` for one`].join('\n'));
      return 0;
    }
    case 'info':
    case 'download': {
      if (args.length !== 1) throw new Error(`expected one model NAME, got ${args.length} argument(s)\n\n${USAGE}`);
      if (sub === 'info') {
        console.log(json ? JSON.stringify(getModelInfo(args[0]), null, 2) : infoLines(args[0]).join('\n'));
        return 0;
      }
      console.log(await download(getModelInfo(args[0]).checkpoint));
      return 0;
    }
    default:
      throw new Error(`unknown subcommand '${sub}' (list, info or download)\n\n${USAGE}`);
  }
}
