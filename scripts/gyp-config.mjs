// Build settings for binding.gyp: where libtorch and FFmpeg live.
// LIBTORCH=/path/to/libtorch (e.g. an unpacked CUDA build) wins; otherwise the system libtorch
// (Debian's libtorch-dev: headers in /usr/include, libraries on the default path).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const what = process.argv[2];
const lt = process.env.LIBTORCH;
const sources = readdirSync('native').filter((f) => f.endsWith('.cc')).map((f) => `native/${f}`);
const sysTorchApi = '/usr/include/torch/csrc/api/include';

let includeDirs;
let libDirs = [];
if (lt) {
  includeDirs = [join(lt, 'include'), join(lt, 'include/torch/csrc/api/include')];
  libDirs = [join(lt, 'lib')];
} else {
  includeDirs = existsSync(sysTorchApi) ? [sysTorchApi] : [];
}
const ffmpegInc = '/usr/include/x86_64-linux-gnu';
if (existsSync(ffmpegInc)) includeDirs.push(ffmpegInc);

const libs = [...libDirs.map((d) => `-L${d}`), '-ltorch', '-ltorch_cpu', '-lc10',
  '-lavformat', '-lavcodec', '-lswscale', '-lswresample', '-lavutil', '-lavdevice', '-lavfilter'];
if (lt && existsSync(join(lt, 'lib/libtorch_cuda.so'))) libs.push('-Wl,--no-as-needed', '-ltorch_cuda', '-lc10_cuda', '-Wl,--as-needed');
const ldflags = libDirs.map((d) => `-Wl,-rpath,${d}`);

const out = { sources, include_dirs: includeDirs, libraries: libs, ldflags }[what];
if (!out) throw new Error(`gyp-config: unknown key ${what}`);
console.log(out.join(' '));
