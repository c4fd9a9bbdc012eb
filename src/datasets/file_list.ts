/**
 * Annotation lists for the standard datasets (MMAction2's tools/data/build_file_list.py and
 * parse_file_list.py): scan a folder of frame folders or videos, join it with the dataset's
 * official splits, write `<dataset>_<subset>_list_<format>.txt` (or .json).
 * Also `folder`: any class-per-folder tree, classes numbered in sorted order.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { RandomState } from './rng.ts';

export const FILE_LIST_DATASETS = ['ucf101', 'kinetics400', 'kinetics600', 'kinetics700', 'thumos14', 'sthv1', 'sthv2', 'mit', 'mmit',
  'activitynet', 'hmdb51', 'jester', 'diving48', 'folder'] as const;
export type FileListDataset = (typeof FILE_LIST_DATASETS)[number];

export interface FileListOptions {
  dataset: FileListDataset;
  src_folder: string;
  rgb_prefix: string;
  flow_x_prefix: string;
  flow_y_prefix: string;
  num_split: number;
  subset: 'train' | 'val' | 'test';
  level: 1 | 2;
  format: 'rawframes' | 'videos';
  out_root_path: string;
  output_format: 'txt' | 'json';
  seed: number | null;
  shuffle: boolean;
  /** Where the official split files are (MMAction2: data/<dataset>/annotations). */
  ann_root: string;
}

/** video id -> [path, rgb count, flow count] (counts -1 for videos). */
export type FrameInfo = Map<string, [string, number, number]>;
type Item = [string, number | number[]];
type Split = Item[][];

const visible = (dir: string) => readdirSync(dir).filter((n) => !n.startsWith('.')).sort();

/** `parse_directory`: count rgb / flow_x / flow_y files in each frame folder. */
export function parseDirectory(path: string, rgbPrefix = 'img_', flowX = 'flow_x_', flowY = 'flow_y_', level: 1 | 2 = 1): FrameInfo {
  const dirs: string[] = [];
  for (const a of visible(path)) {
    const p = join(path, a);
    if (!statSync(p).isDirectory()) continue;
    if (level === 1) dirs.push(p);
    else for (const b of visible(p)) if (statSync(join(p, b)).isDirectory()) dirs.push(join(p, b));
  }
  const info: FrameInfo = new Map();
  for (const d of dirs) {
    const names = readdirSync(d);
    const count = (prefix: string) => names.filter((n) => n.startsWith(prefix)).length;
    const [rgb, x, y] = [count(rgbPrefix), count(flowX), count(flowY)];
    if (x !== y) throw new Error(`x and y direction have different number of flow images in video directory: ${d}`);
    info.set(level === 1 ? basename(d) : join(basename(dirname(d)), basename(d)), [d, rgb, x]);
  }
  return info;
}

/** Videos one or two levels down: id = relative path without extension. */
export function parseVideos(path: string, level: 1 | 2): FrameInfo {
  const info: FrameInfo = new Map();
  const add = (p: string) => {
    const rel = relative(path, p);
    info.set(rel.slice(0, rel.length - extname(rel).length), [rel, -1, -1]);
  };
  for (const a of visible(path)) {
    const p = join(path, a);
    if (level === 1) add(p);
    else if (statSync(p).isDirectory()) for (const b of visible(p)) add(join(p, b));
  }
  return info;
}

function readLines(file: string): string[] {
  if (!existsSync(file)) throw new Error(`split file not found: ${file} (set --ann-root to the folder of the official annotations)`);
  return readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
}

function csvRows(file: string): string[][] {
  return readLines(file).map((line) => {
    const out: string[] = [];
    let cur = '';
    let q = false;
    for (let i = 0; i < line.length; i++) {
      const ch = line[i]!;
      if (q) {
        if (ch === '"' && line[i + 1] === '"') (cur += '"'), i++;
        else if (ch === '"') q = false;
        else cur += ch;
      } else if (ch === '"') q = true;
      else if (ch === ',') out.push(cur), (cur = '');
      else cur += ch;
    }
    out.push(cur);
    return out;
  });
}

const stripExt = (p: string) => p.slice(0, p.length - extname(p).length);
const levelId = (video: string, level: 1 | 2) => (level === 1 ? basename(video) : join(basename(dirname(video)), basename(video)));

function classIndex(file: string): Map<string, number> {
  return new Map(readLines(file).map((l) => {
    const [i, name] = l.trim().split(/\s+/);
    return [name!, Number(i) - 1];
  }));
}

function ucfLike(ann: string, level: 1 | 2, classInd: string): Split[] {
  const mapping = classIndex(join(ann, classInd));
  const toItem = (line: string): Item => {
    const first = line.trim().split(/\s+/)[0]!;
    const video = stripExt(first);
    const label = mapping.get(dirname(first));
    if (label === undefined) throw new Error(`class '${dirname(first)}' of '${first}' is not in ${classInd}`);
    return [levelId(video, level), label];
  };
  return [1, 2, 3].map((i) => [
    readLines(join(ann, `trainlist${String(i).padStart(2, '0')}.txt`)).map(toItem),
    readLines(join(ann, `testlist${String(i).padStart(2, '0')}.txt`)).map(toItem),
  ]);
}

/** hmdb51: writes classInd/trainlistXX/testlistXX from the per-class split files if needed. */
function prepareHmdb51(ann: string, videoRoot: string): void {
  if (existsSync(join(ann, 'trainlist01.txt'))) return;
  const classes = visible(videoRoot);
  if (!existsSync(join(ann, 'classInd.txt'))) writeFileSync(join(ann, 'classInd.txt'), classes.map((c, i) => `${i + 1} ${c}`).join('\n'));
  for (let i = 1; i <= 3; i++) {
    const train: string[] = [];
    const test: string[] = [];
    classes.forEach((c, k) => {
      for (const l of readLines(join(ann, `${c}_test_split${i}.txt`))) {
        const [name, tag] = l.trim().split(/\s+/);
        if (tag === '1') train.push(`${join(c, name!)} ${k + 1}`);
        else if (tag === '2') test.push(`${join(c, name!)} ${k + 1}`);
      }
    });
    writeFileSync(join(ann, `trainlist${String(i).padStart(2, '0')}.txt`), train.join('\n'));
    writeFileSync(join(ann, `testlist${String(i).padStart(2, '0')}.txt`), test.join('\n'));
  }
}

function semicolonSplits(ann: string, level: 1 | 2, labels: string, train: string, val: string, test: string): Split[] {
  const classes = readLines(join(ann, labels)).map((l) => l.trim());
  const mapping = new Map(classes.map((c, i) => [c, i]));
  const toItem = (l: string): Item => {
    const [video, cls] = l.trim().split(';');
    const label = mapping.get(cls!);
    if (label === undefined) throw new Error(`unknown class '${cls}' in ${l}`);
    return [levelId(video!, level), label];
  };
  const testItem = (l: string): Item => [levelId(l.trim().split(';')[0]!, level), -1];
  return [[readLines(join(ann, train)).map(toItem), readLines(join(ann, val)).map(toItem), readLines(join(ann, test)).map(testItem)]];
}

function kineticsSplits(ann: string, level: 1 | 2): Split[] {
  const conv = (s: string) => s.replaceAll('"', '').replaceAll(' ', '_');
  const rows = (f: string) => csvRows(join(ann, f)).slice(1);
  const train = rows('kinetics_train.csv');
  const mapping = new Map([...new Set(train.map((r) => conv(r[0]!)))].sort().map((c, i) => [c, i]));
  const vid = (r: string[]) => `${r[1]}_${String(Math.trunc(Number(r[2]))).padStart(6, '0')}_${String(Math.trunc(Number(r[3]))).padStart(6, '0')}`;
  const toItem = (r: string[]): Item => [level === 2 ? `${conv(r[0]!)}/${vid(r)}` : vid(r), mapping.get(conv(r[0]!))!];
  return [[train.map(toItem), rows('kinetics_val.csv').map(toItem), rows('kinetics_test.csv').map((r) => [vid(r), -1] as Item)]];
}

function folderSplits(src: string, info: FrameInfo): Split[] {
  const classes = [...new Set([...info.keys()].map((k) => dirname(k)))].sort();
  const idx = new Map(classes.map((c, i) => [c, i]));
  const items = [...info.keys()].sort().map((k) => [k, idx.get(dirname(k))!] as Item);
  if (classes.includes('.')) throw new Error(`folder: ${src} must hold one folder per class (use --level 2)`);
  return [[items, [], []]];
}

export function parseSplits(o: FileListOptions, info: FrameInfo): Split[] {
  const ann = o.ann_root;
  switch (o.dataset) {
    case 'ucf101': return ucfLike(ann, o.level, 'classInd.txt');
    case 'hmdb51':
      prepareHmdb51(ann, join(dirname(ann), 'videos'));
      return ucfLike(ann, o.level, 'classInd.txt');
    case 'kinetics400': case 'kinetics600': case 'kinetics700': return kineticsSplits(ann, o.level);
    case 'sthv1': return semicolonSplits(ann, o.level, 'something-something-v1-labels.csv', 'something-something-v1-train.csv',
      'something-something-v1-validation.csv', 'something-something-v1-test.csv');
    case 'jester': return semicolonSplits(ann, o.level, 'jester-v1-labels.csv', 'jester-v1-train.csv', 'jester-v1-validation.csv', 'jester-v1-test.csv');
    case 'sthv2': {
      const mapping = JSON.parse(readFileSync(join(ann, 'something-something-v2-labels.json'), 'utf8')) as Record<string, string>;
      const load = (f: string) => JSON.parse(readFileSync(join(ann, f), 'utf8')) as { id: string; template?: string }[];
      const toItem = (it: { id: string; template?: string }): Item => [levelId(it.id, o.level), Number(mapping[it.template!.replaceAll('[', '').replaceAll(']', '')])];
      return [[load('something-something-v2-train.json').map(toItem), load('something-something-v2-validation.json').map(toItem),
        load('something-something-v2-test.json').map((it) => [levelId(it.id, o.level), -1] as Item)]];
    }
    case 'mit': {
      const mapping = new Map(readLines(join(ann, 'moments_categories.txt')).map((l) => {
        const [c, d] = l.trimEnd().split(',');
        return [c!, Number(d)];
      }));
      const toItem = (r: string[]): Item => [stripExt(r[0]!), mapping.get(dirname(r[0]!))!];
      const val = csvRows(join(ann, 'validationSet.csv')).map(toItem);
      return [[csvRows(join(ann, 'trainingSet.csv')).map(toItem), val, val]];
    }
    case 'mmit': {
      const toItem = (r: string[]): Item => [stripExt(r[0]!), r.slice(1).map(Number)];
      const val = csvRows(join(ann, 'validationSet.csv')).map(toItem);
      return [[csvRows(join(ann, 'trainingSet.csv')).map(toItem), val, val]];
    }
    case 'diving48': {
      const load = (f: string) => (JSON.parse(readFileSync(join(ann, f), 'utf8')) as { vid_name: string; label: number }[]).map((x) => [x.vid_name, x.label] as Item);
      return [[load('Diving48_V2_train.json'), load('Diving48_V2_test.json')]];
    }
    case 'folder': return folderSplits(o.src_folder, info);
    default:
      throw new Error(`build-file-list: no split parser for '${o.dataset}' (MMAction2 has none either)`);
  }
}

/** `build_list`: annotation lines of the items present in frame_info. */
export function buildList(split: Item[], info: FrameInfo, shuffle: boolean, rng: RandomState | null): string[] {
  const lines: string[] = [];
  let flowLines = 0;
  for (const [id, label] of split) {
    const f = info.get(id);
    if (!f) continue;
    const labels = Array.isArray(label) ? label.join(' ') : String(label);
    lines.push(f[1] > 0 ? `${id} ${f[1]} ${labels}\n` : `${f[0]} ${labels}\n`);
    // MMAction2 appends the flow line of a multi-label rawframe item to the RGB list (a bug,
    // not copied here); its flow list then stays empty, which matters for the shuffle draws
    if (!(f[1] > 0 && Array.isArray(label))) flowLines++;
  }
  if (shuffle) {
    // Python's random.shuffle of the RGB list, then of the flow list (same draws as MMAction2)
    const r = rng ?? new RandomState(Math.floor(Math.random() * 2 ** 32));
    for (let i = lines.length - 1; i > 0; i--) {
      const j = r.pyRandbelow(i + 1);
      [lines[i], lines[j]] = [lines[j]!, lines[i]!];
    }
    for (let i = flowLines - 1; i > 0; i--) r.pyRandbelow(i + 1);
  }
  return lines;
}

/** `lines2dictlist`. */
export function linesToDicts(lines: string[], format: 'rawframes' | 'videos'): Record<string, unknown>[] {
  return lines.map((l) => l.trim().split(/\s+/)).map((f) => (format === 'rawframes'
    ? { frame_dir: f[0], total_frames: Number(f[1]), label: f.slice(2).map(Number) }
    : { filename: f[0], label: f.slice(1).map(Number) }));
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Python's `json.dump` spacing. */
const pyJson = (v: unknown) => JSON.stringify(v).replace(/,"/g, ', "').replace(/":/g, '": ').replace(/},{/g, '}, {').replace(/,(\d)/g, ', $1');

/** Build and write the lists; returns the files written. */
export function buildFileLists(o: FileListOptions): string[] {
  if (!existsSync(o.src_folder) || !statSync(o.src_folder).isDirectory()) throw new Error(`source folder not found: ${o.src_folder}`);
  const info = o.format === 'rawframes'
    ? parseDirectory(o.src_folder, o.rgb_prefix, o.flow_x_prefix, o.flow_y_prefix, o.level)
    : parseVideos(o.src_folder, o.level);
  const splits = parseSplits(o, info);
  if (splits.length !== o.num_split) throw new Error(`${o.dataset} has ${splits.length} split(s), but --num-split is ${o.num_split}`);
  let rng: RandomState | null = null;
  if (o.seed !== null) {
    rng = new RandomState();
    rng.seedPython(o.seed);
  }
  const outPath = o.out_root_path + o.dataset;
  const written: string[] = [];
  const emit = (name: string, lines: string[]) => {
    const file = join(outPath, o.output_format === 'json' ? name.replace(/\.txt$/, '.json') : name);
    writeAtomic(file, o.output_format === 'json' ? pyJson(linesToDicts(lines, o.format)) : lines.join(''));
    written.push(file);
  };
  if (splits.length > 1) {
    splits.forEach((split, i) => {
      const train = buildList(split[0]!, info, o.shuffle, rng);
      const val = buildList(split[1]!, info, o.shuffle, rng);
      emit(`${o.dataset}_train_split_${i + 1}_${o.format}.txt`, train);
      emit(`${o.dataset}_val_split_${i + 1}_${o.format}.txt`, val);
    });
  } else {
    const ind = { train: 0, val: 1, test: 2 }[o.subset];
    const split = splits[0]!;
    // MMAction2 builds the train and val lists (shuffling both) and writes the chosen one
    const lists = [buildList(split[0]!, info, o.shuffle, rng), buildList(split[1] ?? [], info, o.shuffle, rng)];
    const lines = ind < 2 ? lists[ind]! : (() => {
      throw new Error(`${o.dataset}: subset 'test' is not written by MMAction2's build_file_list (it keeps train and val)`);
    })();
    emit(`${o.dataset}_${o.subset}_list_${o.format}.txt`, lines);
  }
  return written;
}
