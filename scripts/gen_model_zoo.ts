/**
 * Writes src/apis/model_zoo_data.ts (the model-zoo table) from MMAction2's own metafiles
 * (configs/recognition/<family>/metafile.yml at a tag, default v0.24.1), and copies the label
 * maps the entries use from MMAction2's tools/data/ into tools/data/ (same paths).
 *
 * Kept: recognition entries with weights whose config exists in our configs/ tree, whose model
 * types are all registered (src/models/builder.ts), RGB modality and a single-label dataset with a
 * label map. Left out, with the reason printed: Flow models (they need optical-flow frames),
 * HVU (multi-task tags, no flat label map), configs we do not ship (OmniSource MiniKinetics),
 * backbones from mmcls/torchvision we do not implement (Swin, DenseNet, ResNeXt-101 32x4d), and
 * configs whose num_classes differs from their dataset's label map (MMAction2's GYM99 SlowOnly
 * config keeps the 400 classes of its base, so its checkpoint's head would not load).
 * Names: MMAction2's model name, unless two entries share it, in which case the config's name;
 * entries of the same config after the first get the metafile's resolution as a suffix
 * (`_256p`, `_320p`, `_340x256`), as MMAction2's checkpoint names do.
 *
 * Usage: node --import tsx scripts/gen_model_zoo.ts /path/to/mmaction2-git-dir [tag]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { Config } from '../src/config/config.ts';
import { BACKBONES, HEADS, NECKS, RECOGNIZERS } from '../src/models/builder.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const [gitDir, tag = 'v0.24.1'] = process.argv.slice(2);
if (!gitDir) throw new Error('usage: node --import tsx scripts/gen_model_zoo.ts /path/to/mmaction2-git-dir [tag]');

const FAMILIES = ['tsn', 'tsm', 'tin', 'tanet', 'trn', 'tpn', 'i3d', 'slowonly', 'slowfast', 'r2plus1d', 'csn', 'x3d', 'c3d', 'timesformer', 'omnisource'];

/** Metafile dataset name -> MMAction2's label map (tools/data/...). */
const LABEL_MAPS: Record<string, string> = {
  'Kinetics-400': 'tools/data/kinetics/label_map_k400.txt',
  'Kinetics-600': 'tools/data/kinetics/label_map_k600.txt',
  'Kinetics-700': 'tools/data/kinetics/label_map_k700.txt',
  SthV1: 'tools/data/sthv1/label_map.txt',
  SthV2: 'tools/data/sthv2/label_map.txt',
  UCF101: 'tools/data/ucf101/label_map.txt',
  HMDB51: 'tools/data/hmdb51/label_map.txt',
  Diving48: 'tools/data/diving48/label_map.txt',
  Jester: 'tools/data/jester/label_map.txt',
  MiT: 'tools/data/mit/label_map.txt',
  MMiT: 'tools/data/mmit/label_map.txt',
  GYM99: 'tools/data/gym/label_map.txt',
  'ActivityNet v1.3': 'tools/data/activitynet/label_map.txt',
};

const git = (...args: string[]) => execFileSync('git', ['--git-dir', gitDir.endsWith('.git') || existsSync(join(gitDir, 'HEAD')) ? gitDir : join(gitDir, '.git'), ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });

interface MetaModel {
  Name: string; Config: string; 'In Collection': string; Weights?: string; Modality?: string;
  Metadata: Record<string, unknown>;
  Results: { Dataset: string; Metrics: Record<string, number> }[];
}

interface Row {
  name: string; mmaction2Name: string; collection: string; config: string; checkpoint: string;
  dataset: string; labelMap: string; resolution: string | null; pretrained: string | null;
  architecture: string | null; top1: number | null; top5: number | null; mAP: number | null;
}

const skipped: string[] = [];
const seenWeights = new Set<string>();
const rows: Row[] = [];

function modelTypes(model: Record<string, any>): string[] {
  const out: [string, { types(): string[] }][] = [[model.type, RECOGNIZERS]];
  if (model.backbone) out.push([model.backbone.type, BACKBONES]);
  if (model.neck) for (const n of [model.neck].flat()) out.push([n.type, NECKS]);
  if (model.cls_head) out.push([model.cls_head.type, HEADS]);
  return out.filter(([t, reg]) => !reg.types().includes(t)).map(([t]) => t);
}

function metric(m: Record<string, number>, ...names: string[]): number | null {
  for (const [k, v] of Object.entries(m)) if (names.includes(k.toLowerCase())) return v;
  return null;
}

function resolutionTag(res: string | null): string {
  if (!res) return 'alt';
  const ss = /^short-side (\d+)p?$/.exec(res);
  if (ss) return `${ss[1]}p`;
  const h = /^height (\d+)$/.exec(res);
  if (h) return `h${h[1]}`;
  return res.replace(/[^0-9a-z]+/gi, '');
}

for (const fam of FAMILIES) {
  const meta = parseYaml(git('show', `${tag}:configs/recognition/${fam}/metafile.yml`)) as { Models: MetaModel[] };
  for (const m of meta.Models) {
    const why = (reason: string) => skipped.push(`${m.Name} (${m.Weights?.split('/').pop() ?? 'no weights'}): ${reason}`);
    if (!m.Weights) { why('no weights'); continue; }
    if (seenWeights.has(m.Weights)) continue; // listed in two metafiles (OmniSource)
    const config = m.Config.replace(/\.py$/, '.ts');
    if (!existsSync(join(root, config))) { why(`config ${config} is not in configs/`); continue; }
    const modality = m.Modality ?? String(m.Metadata.Modality ?? 'RGB');
    if (modality !== 'RGB') { why(`${modality} modality`); continue; }
    const result = m.Results[0];
    const labelMap = LABEL_MAPS[result.Dataset];
    if (!labelMap) { why(`no flat label map for ${result.Dataset}`); continue; }
    const cfg = Config.fromFile(join(root, config)).toObject() as Record<string, any>;
    const missing = modelTypes(cfg.model);
    if (missing.length) { why(`model types not implemented: ${missing.join(', ')}`); continue; }
    const classes = git('show', `${tag}:${labelMap}`).split(/\r?\n/).filter((l) => l.trim()).length;
    if (cfg.model.cls_head?.num_classes !== classes) { why(`the config has ${cfg.model.cls_head?.num_classes} classes, the ${result.Dataset} label map ${classes}`); continue; }
    seenWeights.add(m.Weights);
    const md = m.Metadata;
    rows.push({
      name: m.Name, mmaction2Name: m.Name, collection: m['In Collection'], config, checkpoint: m.Weights,
      dataset: result.Dataset, labelMap,
      resolution: typeof md.Resolution === 'string' ? md.Resolution : null,
      pretrained: md.Pretrained == null || md.Pretrained === 'None' ? null : String(md.Pretrained),
      architecture: md.Architecture == null ? null : String(md.Architecture),
      top1: metric(result.Metrics, 'top 1 accuracy'),
      top5: metric(result.Metrics, 'top 5 accuracy', 'top5 accuracy'),
      mAP: metric(result.Metrics, 'map'),
    });
  }
}

// Names: MMAction2's name, or the config's where MMAction2 gives two models one name; then a
// resolution suffix for the second and later checkpoints of one name.
const configStem = (r: Row) => r.config.split('/').pop()!.replace(/\.ts$/, '');
const count = (xs: string[]) => xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<string, number>());
const byMetaName = count(rows.map((r) => r.mmaction2Name));
for (const r of rows) if (byMetaName.get(r.mmaction2Name)! > 1 && r.mmaction2Name !== configStem(r)) r.name = configStem(r);
const taken = new Set<string>();
for (const r of rows) {
  if (taken.has(r.name)) r.name = `${r.name}_${resolutionTag(r.resolution)}`;
  if (taken.has(r.name)) throw new Error(`two model-zoo entries are named ${r.name}; extend the naming rule`);
  taken.add(r.name);
}

const labelMaps = [...new Set(rows.map((r) => r.labelMap))].sort();
for (const p of labelMaps) {
  mkdirSync(join(root, dirname(p)), { recursive: true });
  writeFileSync(join(root, p), git('show', `${tag}:${p}`));
}

const lit = (v: unknown) => JSON.stringify(v);
const lines = rows.map((r) => `  { ${Object.entries(r).map(([k, v]) => `${k}: ${lit(v)}`).join(', ')} },`);
const commit = git('rev-parse', `${tag}^{commit}`).trim();
writeFileSync(join(root, 'src/apis/model_zoo_data.ts'), `// THIS FILE IS AUTOMATICALLY GENERATED by scripts/gen_model_zoo.ts from MMAction2 ${tag} (${commit})
// configs/recognition/*/metafile.yml: names, configs, checkpoint URLs and reported accuracies as
// MMAction2 publishes them. Do not edit; rerun the script.
import type { ModelZooEntry } from './model_zoo.ts';

export const MODEL_ZOO_DATA: readonly ModelZooEntry[] = [
${lines.join('\n')}
];
`);
console.log(`wrote ${rows.length} entries to src/apis/model_zoo_data.ts and ${labelMaps.length} label maps under tools/data/`);
console.log(`left out ${skipped.length}:\n  ${skipped.join('\n  ')}`);
