/**
 * `buildDataset(cfg.data.train)`: the table of dataset types (one screen), wrappers included.
 * The built dataset remembers its config so DataLoader workers can rebuild it.
 */
import { didYouMean, type Cfg } from './pipelines/options.ts';
import { ActivityNetDataset } from './activitynet_dataset.ts';
import { AudioDataset, AudioFeatureDataset } from './audio_dataset.ts';
import { PoseDataset } from './pose_dataset.ts';
import { RawframeDataset } from './rawframe_dataset.ts';
import { ImageDataset, VideoDataset } from './video_dataset.ts';
import { ConcatDataset, RepeatDataset, type DatasetLike } from './wrappers.ts';

type DatasetCtor = (cfg: Cfg, where: string) => DatasetLike;

export const DATASETS: Record<string, DatasetCtor> = {
  RawframeDataset: (cfg, where) => new RawframeDataset(cfg, where),
  VideoDataset: (cfg, where) => new VideoDataset(cfg, where),
  ImageDataset: (cfg, where) => new ImageDataset(cfg, where),
  AudioDataset: (cfg, where) => new AudioDataset(cfg, where),
  AudioFeatureDataset: (cfg, where) => new AudioFeatureDataset(cfg, where),
  PoseDataset: (cfg, where) => new PoseDataset(cfg, where),
  ActivityNetDataset: (cfg, where) => new ActivityNetDataset(cfg, where),
  RepeatDataset: (cfg, where) => {
    const { dataset, times, test_mode = false, ...rest } = cfg;
    if (Object.keys(rest).length) throw new Error(`${where}: unknown option '${Object.keys(rest)[0]}' (accepted: dataset, times, test_mode)`);
    return new RepeatDataset(buildDataset({ ...(dataset as Cfg), test_mode }, `${where}.dataset`), times as number);
  },
  ConcatDataset: (cfg, where) => {
    const { datasets, test_mode = false, ...rest } = cfg;
    if (Object.keys(rest).length) throw new Error(`${where}: unknown option '${Object.keys(rest)[0]}' (accepted: datasets, test_mode)`);
    if (!Array.isArray(datasets)) throw new Error(`${where}: datasets must be a list of dataset configs`);
    return new ConcatDataset(datasets.map((d, i) => buildDataset({ ...(d as Cfg), test_mode }, `${where}.datasets[${i}]`)));
  },
};

export function buildDataset(cfg: Cfg, where = 'data'): DatasetLike {
  if (!cfg || typeof cfg !== 'object') throw new Error(`${where}: expected a dataset config dict`);
  const type = cfg.type;
  if (typeof type !== 'string') throw new Error(`${where}: missing 'type'`);
  const make = DATASETS[type];
  if (!make) throw new Error(`${where}: unknown dataset type '${type}'${didYouMean(type, Object.keys(DATASETS))}`);
  const { type: _t, ...rest } = cfg;
  const ds = make(rest, `${where} (${type})`);
  ds.cfg = structuredClone(cfg);
  return ds;
}
