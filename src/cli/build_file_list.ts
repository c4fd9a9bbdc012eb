/**
 * `mmaction build-file-list DATASET SRC [options]`: annotation lists for RawframeDataset /
 * VideoDataset (MMAction2's tools/data/build_file_list.py, same options and file names).
 */
import { buildFileLists, FILE_LIST_DATASETS, type FileListOptions } from '../datasets/file_list.ts';

const USAGE = `usage: mmaction build-file-list DATASET SRC_FOLDER [options]

Writes <out-root-path><DATASET>/<DATASET>_<subset>_list_<format>.txt (one split) or
<DATASET>_{train,val}_split_<i>_<format>.txt (ucf101, hmdb51: 3 splits), like MMAction2.

  DATASET               ${FILE_LIST_DATASETS.join(', ')}
                        (folder: any tree of class folders; labels = sorted class order)
  SRC_FOLDER            root of the frame folders or videos
  --format F            rawframes (default) or videos
  --level N             directory depth of the samples: 1 or 2 (default 2)
  --num-split N         number of splits (default 3; 1 for kinetics, sth, mit, folder, ...)
  --subset S            train (default) or val, for single-split datasets
  --rgb-prefix P        default img_
  --flow-x-prefix P     default flow_x_
  --flow-y-prefix P     default flow_y_
  --out-root-path P     default data/ (string-prefixed to DATASET, as MMAction2)
  --output-format F     txt (default) or json
  --ann-root DIR        official split files (default data/<DATASET>/annotations)
  --shuffle             shuffle each list (Python's random.shuffle)
  --seed N              seed of the shuffle (Python's random.seed)`;

export async function run(argv: string[]): Promise<number> {
  const pos: string[] = [];
  const o: Partial<FileListOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-h' || a === '--help') {
      console.log(USAGE);
      return 0;
    }
    if (!a.startsWith('--')) {
      pos.push(a);
      continue;
    }
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    if (flag === '--shuffle') {
      o.shuffle = true;
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined) throw new Error(`${flag} needs a value\n\n${USAGE}`);
    const int = () => {
      if (!/^-?\d+$/.test(v)) throw new Error(`${flag}: expected an integer, got '${v}'`);
      return Number(v);
    };
    const oneOf = <T extends string>(allowed: readonly T[]) => {
      if (!allowed.includes(v as T)) throw new Error(`${flag}: expected one of ${allowed.join(', ')}, got '${v}'`);
      return v as T;
    };
    switch (flag) {
      case '--format': o.format = oneOf(['rawframes', 'videos'] as const); break;
      case '--level': o.level = oneOf(['1', '2'] as const) === '1' ? 1 : 2; break;
      case '--num-split': o.num_split = int(); break;
      case '--subset': o.subset = oneOf(['train', 'val', 'test'] as const); break;
      case '--rgb-prefix': o.rgb_prefix = v; break;
      case '--flow-x-prefix': o.flow_x_prefix = v; break;
      case '--flow-y-prefix': o.flow_y_prefix = v; break;
      case '--out-root-path': o.out_root_path = v; break;
      case '--output-format': o.output_format = oneOf(['txt', 'json'] as const); break;
      case '--ann-root': o.ann_root = v; break;
      case '--seed': o.seed = int(); break;
      default: throw new Error(`unknown option ${flag}\n\n${USAGE}`);
    }
  }
  if (pos.length !== 2) {
    console.error(USAGE);
    return 2;
  }
  const dataset = pos[0] as FileListOptions['dataset'];
  if (!FILE_LIST_DATASETS.includes(dataset)) throw new Error(`unknown dataset '${pos[0]}' (choose from ${FILE_LIST_DATASETS.join(', ')})`);
  const opts: FileListOptions = {
    dataset, src_folder: pos[1]!, rgb_prefix: 'img_', flow_x_prefix: 'flow_x_', flow_y_prefix: 'flow_y_', num_split: 3, subset: 'train',
    level: 2, format: 'rawframes', out_root_path: 'data/', output_format: 'txt', seed: null, shuffle: false,
    ann_root: `data/${dataset}/annotations`, ...o,
  };
  if (opts.seed !== null) console.log(`Set random seed to ${opts.seed}`);
  for (const f of buildFileLists(opts)) console.log(`wrote ${f}`);
  return 0;
}
