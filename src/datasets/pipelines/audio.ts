/**
 * Audio-feature loading (MMAction2 0.24 `loading.py`): LoadAudioFeature reads a
 * [length, features] `.npy` spectrogram (missing files are padded, as MMAction2 does for
 * videos without audio); AudioFeatureSelector cuts the part of each sampled clip and pads or
 * truncates it to `fixed_length`. Writes `audios`, `length`, `audios_shape`.
 */
import { existsSync } from 'node:fs';
import { loadNpy } from '../npy.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type PipelineContext, type Results, type Transform } from './types.ts';

export class LoadAudioFeature implements Transform {
  readonly type = 'LoadAudioFeature';
  readonly padMethod: 'zero' | 'random';

  constructor(cfg: Cfg, where = 'LoadAudioFeature') {
    const o = parseOptions(where, cfg, { pad_method: 'zero' });
    this.padMethod = expectOneOf(where, 'pad_method', o.pad_method, ['zero', 'random'] as const);
  }

  call(results: Results, ctx: PipelineContext): Results {
    const path = results.audio_path;
    if (typeof path !== 'string') throw new Error('LoadAudioFeature: results.audio_path must be a string');
    let feat: NDArray;
    if (existsSync(path)) {
      feat = loadNpy(path);
      if (feat.shape.length !== 2) throw new Error(`LoadAudioFeature: ${path} must hold a [length, features] array, got [${feat.shape}]`);
    } else {
      const data = new Float32Array(640 * 80);
      if (this.padMethod === 'random') for (let i = 0; i < data.length; i++) data[i] = ctx.rng.np.rand();
      feat = new NDArray(data, [640, 80]);
    }
    results.length = feat.shape[0]!;
    results.audios = feat;
    return results;
  }
}

/** Python 3 `round()` (half to even). */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export class AudioFeatureSelector implements Transform {
  readonly type = 'AudioFeatureSelector';
  readonly fixedLength: number;

  constructor(cfg: Cfg, where = 'AudioFeatureSelector') {
    const o = parseOptions(where, cfg, { fixed_length: 128 });
    this.fixedLength = expectInt(where, 'fixed_length', o.fixed_length, 1);
  }

  call(results: Results): Results {
    const audio = results.audios;
    if (!(audio instanceof NDArray) || audio.shape.length !== 2) throw new Error('AudioFeatureSelector: results.audios must be a [length, features] array (LoadAudioFeature first)');
    const inds = results.frame_inds as number[];
    const numClips = results.num_clips as number;
    const total = results.total_frames as number;
    const length = results.length as number;
    const [, f] = audio.shape as [number, number];
    const per = inds.length / numClips;
    const L = this.fixedLength;
    const Ctor = audio.data.constructor as new (n: number) => Float32Array;
    const out = new Ctor(numClips * L * f);
    for (let c = 0; c < numClips; c++) {
      const first = inds[c * per]!;
      const last = inds[c * per + per - 1]!;
      const start = Math.max(0, pyRound(((first + 1) / total) * length));
      const end = Math.min(length, pyRound(((last + 1) / total) * length));
      const rows = Math.max(0, Math.min(end - start, L));
      out.set((audio.data as Float32Array).subarray(start * f, (start + rows) * f), c * L * f);
    }
    results.audios = new NDArray(out, [numClips, L, f]);
    results.audios_shape = [numClips, L, f];
    return results;
  }
}
