#!/usr/bin/env node
// Builds the native addon (build/Release/mmaction_native.node) with node-gyp.
// - Checks first that libtorch and FFmpeg's development files are present and says how to install them.
// - Incremental: `node-gyp configure` once, then `node-gyp build` (make) rebuilds only changed files;
//   ccache is used when installed. Skips entirely when the addon is newer than every native source.
// - Serialised with a lock directory, so that parallel callers (tests, several shells) never clobber build/.
import { existsSync, mkdirSync, rmdirSync, statSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
const force = process.argv.includes('--force');
const out = join(root, 'build/Release/mmaction_native.node');

function fail(msg) {
  console.error(`\nmmaction-ts: cannot build the native addon.\n${msg}\n`);
  process.exit(1);
}

const lt = process.env.LIBTORCH;
if (lt) {
  if (!existsSync(join(lt, 'include/torch/csrc/api/include/torch/torch.h')))
    fail(`LIBTORCH=${lt} does not look like a libtorch folder (no include/torch/csrc/api/include/torch/torch.h).`);
} else if (!existsSync('/usr/include/torch/csrc/api/include/torch/torch.h')) {
  fail('libtorch was not found. Install it with `sudo apt-get install libtorch-dev` (Debian/Ubuntu),\n' +
    'or unpack a libtorch build from pytorch.org and set LIBTORCH=/path/to/libtorch, or run scripts/setup.sh.');
}
// Versions: the binding uses APIs of libtorch >= 1.13 and FFmpeg >= 5 (libavcodec 59).
const torchVersionH = lt ? join(lt, 'include/torch/csrc/api/include/torch/version.h') : '/usr/include/torch/csrc/api/include/torch/version.h';
if (existsSync(torchVersionH)) {
  const h = readFileSync(torchVersionH, 'utf8');
  const major = Number(/TORCH_VERSION_MAJOR (\d+)/.exec(h)?.[1]);
  const minor = Number(/TORCH_VERSION_MINOR (\d+)/.exec(h)?.[1]);
  if (major < 1 || (major === 1 && minor < 13))
    fail(`libtorch ${major}.${minor} is too old (${torchVersionH}); mmaction-ts needs libtorch 1.13 or newer.\n` +
      'Install a newer one (Debian 12: `apt-get install libtorch-dev`) or point LIBTORCH at a libtorch 1.13+/2.x folder.');
}
for (const dir of ['/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu']) {
  const f = join(dir, 'libavcodec/version_major.h');
  const g = join(dir, 'libavcodec/version.h');
  const text = existsSync(f) ? readFileSync(f, 'utf8') : existsSync(g) ? readFileSync(g, 'utf8') : '';
  const m = /LIBAVCODEC_VERSION_MAJOR\s+(\d+)/.exec(text);
  if (m && Number(m[1]) < 59)
    fail(`FFmpeg's libavcodec ${m[1]} is too old (${dir}); mmaction-ts needs FFmpeg 5.0 or newer (libavcodec 59+).`);
  if (m) break;
}
for (const h of ['libavformat/avformat.h', 'libavcodec/avcodec.h', 'libswscale/swscale.h']) {
  if (!existsSync(join('/usr/include', h)) && !existsSync(join('/usr/include/x86_64-linux-gnu', h)))
    fail(`FFmpeg development files were not found (${h}). Install them with\n` +
      '`sudo apt-get install libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavdevice-dev libavfilter-dev`, or run scripts/setup.sh.');
}

function newestSource() {
  let t = 0;
  for (const f of ['binding.gyp', 'scripts/gyp-config.mjs', ...readdirSync('native').map((x) => `native/${x}`)])
    t = Math.max(t, statSync(f).mtimeMs);
  return t;
}
if (!force && existsSync(out) && statSync(out).mtimeMs > newestSource()) process.exit(0);

const lock = join(root, 'build.lock');
const deadline = Date.now() + 20 * 60 * 1000;
for (;;) {
  try { mkdirSync(lock); break; } catch {
    if (Date.now() > deadline) fail(`timed out waiting for ${lock} (remove it if no build is running)`);
    spawnSync('sleep', ['1']);
  }
}
const release = () => { try { rmdirSync(lock); } catch { /* gone */ } };
process.on('exit', release);
process.on('SIGINT', () => { release(); process.exit(130); });

const require = createRequire(import.meta.url);
let gyp;
try { gyp = require.resolve('node-gyp/bin/node-gyp.js'); } catch {
  const npmDir = join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js');
  gyp = npmDir;
}
const env = { ...process.env };
const ccache = spawnSync('sh', ['-c', 'command -v ccache']).stdout?.toString().trim();
if (ccache && !env.CXX) { env.CXX = `${ccache} g++`; env.CC = `${ccache} gcc`; }
const jobs = ['-j', String(Math.max(1, Number(process.env.JOBS ?? 2)))];
const run = (args) => {
  const r = spawnSync(process.execPath, [gyp, ...args], { stdio: 'inherit', env });
  if (r.status !== 0) fail(`node-gyp ${args[0]} failed (exit ${r.status}); see the compiler output above.`);
};
// Use the headers of the running node when they are installed (no download; offline machines).
const prefix = dirname(dirname(process.execPath));
const nodedir = process.env.npm_config_nodedir ||
  (existsSync(join(prefix, 'include/node/node_version.h')) ? prefix : undefined);
// The source list is expanded when gyp configures: reconfigure when native/*.cc files come or go.
const sourceList = readdirSync('native').filter((f) => f.endsWith('.cc')).sort().join('\n');
const listFile = join(root, 'build/sources.txt');
const configured = existsSync('build/Makefile') && existsSync(listFile) && readFileSync(listFile, 'utf8') === sourceList;
if (!configured || (force && process.argv.includes('--configure'))) {
  run(['configure', ...(nodedir ? [`--nodedir=${nodedir}`] : [])]);
  writeFileSync(listFile, sourceList);
}
run(['build', ...jobs]);
