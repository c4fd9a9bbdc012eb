/** `mmaction env`: versions and settings, like MMAction2's collect_env. */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export function collectEnv(): Record<string, string> {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  const env: Record<string, string> = {
    'sys.platform': `${process.platform} ${os.release()} ${process.arch}`,
    Node: process.version,
    CPU: `${os.cpus()[0]?.model ?? 'unknown'} x ${os.cpus().length}`,
    'mmaction-ts': pkg.version,
  };
  const gcc = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
  if (gcc.status === 0) env.GCC = gcc.stdout.split('\n')[0];
  return env;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('usage: mmaction env [--json]\n\nPrints versions of node, libtorch, FFmpeg, threads and devices.');
    return 0;
  }
  const env = collectEnv();
  const { native } = await import('../torch/binding.ts');
  const b = native.buildInfo();
  env.libtorch = b.torchVersion;
  env['CUDA available'] = String(b.cudaAvailable);
  if (b.cudaAvailable) env['GPU count'] = String(b.cudaDeviceCount);
  env.cuDNN = String(b.cudnnAvailable);
  env['intra-op threads'] = String(b.numThreads);
  env['inter-op threads'] = String(b.numInteropThreads);
  const video = native as unknown as { ffmpegVersions?: () => Record<string, string> };
  if (typeof video.ffmpegVersions === 'function') {
    for (const [k, v] of Object.entries(video.ffmpegVersions())) env[k] = v;
  }
  const parallel = b.parallelInfo.split('\n').find((l) => l.includes('ATen parallel backend'));
  if (parallel) env['ATen parallel backend'] = parallel.split(':').slice(1).join(':').trim();
  if (argv.includes('--json')) console.log(JSON.stringify(env, null, 2));
  else for (const [k, v] of Object.entries(env)) console.log(`${k}: ${v}`);
  return 0;
}
