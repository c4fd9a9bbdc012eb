/**
 * The `mmaction` command line: one table of subcommands, each a module exporting
 * `run(argv: string[]): Promise<number>` (the exit code). Modules load lazily so that
 * `mmaction env` does not pay for the model zoo.
 */
export interface Command {
  summary: string;
  load: () => Promise<{ run(argv: string[]): Promise<number> }>;
}

export const commands: Record<string, Command> = {
  env: { summary: 'print versions of node, libtorch, FFmpeg, threads and devices', load: () => import('./env.ts') },
  'checkpoint-info': { summary: 'list the keys, shapes and dtypes of a .pth checkpoint', load: () => import('./checkpoint_info.ts') },
  'print-config': { summary: 'print the merged config (with _base_ files and --cfg-options) as .py/.json/.yaml/.ts', load: () => import('./print_config.ts') },
  train: { summary: 'train a recognizer from a config (tools/train.py): checkpoints, logs, --validate, --resume-from', load: () => import('./train.ts') },
  test: { summary: 'test a checkpoint on data.test (tools/test.py): --eval metrics, --out results.pkl/.json', load: () => import('./test.ts') },
  'model-zoo': { summary: 'list the MMAction2 model-zoo models that run by name (demo --model NAME), with their checkpoints', load: () => import('./model_zoo.ts') },
  demo: { summary: 'predict the action in a video and optionally write it with the label drawn (demo/demo.py)', load: () => import('./demo.ts') },
  'long-video-demo': { summary: 'predict actions over a long video with a sliding window; labelled video and/or JSON (demo/long_video_demo.py)', load: () => import('./long_video_demo.ts') },
  'webcam-demo': { summary: 'live recognition on a webcam, stream or real-time file; annotated video and terminal output (demo/webcam_demo.py)', load: () => import('./webcam_demo.ts') },
  gradcam: { summary: 'Grad-CAM heat maps of a recognizer on a video, written as gif/mp4 (demo/demo_gradcam.py)', load: () => import('./gradcam.ts') },
  'synth-motion': { summary: 'write the built-in SynthMotion dataset (motion-defined classes) as videos with MMAction2 file lists', load: () => import('./synth_motion.ts') },
  flops: { summary: 'FLOPs and parameters of a config\'s model (tools/analysis/get_flops.py)', load: () => import('../models/flops_cli.ts') },
  'build-rawframes': { summary: 'extract the RGB frames of a folder of videos to JPEG folders (tools/data/build_rawframes.py)', load: () => import('./build_rawframes.ts') },
  'publish-model': { summary: 'drop the optimizer state and name the file by its sha256 (tools/deployment/publish_model.py)', load: () => import('./publish_model.ts') },
  'build-file-list': { summary: 'write annotation lists of frame folders or videos (tools/data/build_file_list.py)', load: () => import('./build_file_list.ts') },
  'analyze-logs': { summary: 'plot curves of training logs (.log.json) or time their iterations (tools/analysis/analyze_logs.py)', load: () => import('./analyze_logs.ts') },
  'report-accuracy': { summary: 'fuse the test scores of several models and report their accuracy (tools/analysis/report_accuracy.py)', load: () => import('./report_accuracy.ts') },
  'extract-audio': { summary: 'write the audio track of a folder of videos to .wav files (tools/data/extract_audio.py)', load: () => import('./extract_audio.ts') },
  'build-audio-features': { summary: 'log-mel spectrogram .npy files of a folder of audio files (tools/data/build_audio_features.py)', load: () => import('./build_audio_features.ts') },
};

function usage(): string {
  const width = Math.max(...Object.keys(commands).map((k) => k.length));
  const lines = Object.entries(commands).map(([k, c]) => `  ${k.padEnd(width)}  ${c.summary}`);
  return `usage: mmaction <command> [options]\n\ncommands:\n${lines.join('\n')}\n\n` +
    'Run `mmaction <command> --help` for the options of one command.';
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '-h' || name === '--help') {
    console.log(usage());
    return name ? 0 : 1;
  }
  const cmd = commands[name];
  if (!cmd) {
    console.error(`mmaction: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    return await (await cmd.load()).run(rest);
  } catch (e) {
    const err = e as Error;
    console.error(`mmaction ${name}: ${err.message}`);
    if (process.env.MMACTION_DEBUG) console.error(err.stack);
    return 1;
  }
}
