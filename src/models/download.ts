/**
 * Downloads of checkpoints into a cache folder, once and only when asked (torch.hub's
 * load_state_dict_from_url / mmcv's load_url): the file goes to a temporary name and is renamed
 * into place only once complete and, when its name carries a sha256 prefix (`name-<hex>.pth`,
 * the torch.hub/mmcv convention of MMAction2's model zoo), after the prefix matched. An
 * interrupted download is kept and the next attempt resumes it with an HTTP Range request.
 * The cache is `$MMACTION_TS_CACHE`, else torch.hub's `$TORCH_HOME/hub/checkpoints`
 * (~/.cache/torch/hub/checkpoints), so files PyTorch or mmcv already downloaded are reused.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export class DownloadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DownloadError';
  }
}

/** The checkpoint cache folder: $MMACTION_TS_CACHE, else $TORCH_HOME/hub/checkpoints (default ~/.cache/torch/hub/checkpoints). */
export function checkpointCacheDir(): string {
  if (process.env.MMACTION_TS_CACHE) return process.env.MMACTION_TS_CACHE;
  const torchHome = process.env.TORCH_HOME ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'torch');
  return join(torchHome, 'hub', 'checkpoints');
}

/** Where `url` is cached: the cache folder and the URL's file name, as torch.hub names it. */
export function cachePathOf(url: string, cacheDir = checkpointCacheDir()): string {
  let name: string;
  try {
    name = basename(new URL(url).pathname);
  } catch {
    throw new DownloadError(`'${url}' is not a valid URL`);
  }
  if (!name || name === '.' || name === '..') throw new DownloadError(`${url} names no file to cache (the path should end in a file name)`);
  return join(cacheDir, name);
}

/** torch.hub's check: a file name like `name-<hex>.pth` carries a sha256 prefix. */
export function hashPrefixOf(fileName: string): string | null {
  const m = /-([a-f0-9]*)\./.exec(fileName);
  return m && m[1].length > 0 ? m[1] : null;
}

export interface DownloadOptions {
  cacheDir?: string;
  /** Draw a progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  /** Compare the sha256 prefix in the file name, if any, with the download (default true). */
  checkHash?: boolean;
  /** For tests and proxies: the fetch to use (default globalThis.fetch). */
  fetchImpl?: typeof fetch;
}

const MiB = 2 ** 20;

/** A one-line progress bar on stderr, redrawn at most every 100 ms. */
class ProgressBar {
  private last = 0;
  private readonly t0 = Date.now();
  constructor(private readonly label: string, private readonly total: number, private readonly start: number) {}

  update(done: number, final = false): void {
    const now = Date.now();
    if (!final && now - this.last < 100) return;
    this.last = now;
    const rate = (done - this.start) / Math.max((now - this.t0) / 1000, 1e-3);
    const speed = `${(rate / MiB).toFixed(1)} MiB/s`;
    let line: string;
    if (this.total > 0) {
      const frac = Math.min(done / this.total, 1);
      const width = 30;
      const fill = Math.round(frac * width);
      line = `${this.label} [${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(100 * frac).toFixed(1).padStart(5)}% ` +
        `${(done / MiB).toFixed(1)}/${(this.total / MiB).toFixed(1)} MiB ${speed}`;
    } else {
      line = `${this.label} ${(done / MiB).toFixed(1)} MiB ${speed}`;
    }
    process.stderr.write(`\r${line}\x1b[K${final ? '\n' : ''}`);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the bytes of an earlier, unfinished download of `dest` by renaming them to `tmp`:
 * `<dest>.partial` (kept after an interrupted transfer), or the temporary file
 * (`<dest>.<host>.<pid>.<n>.tmp`) of a process of this host that died mid-download. Returns how many bytes were claimed (0: none).
 */
function claimPartial(dest: string, tmp: string): number {
  const dir = dirname(dest);
  const own = `${basename(dest)}.${hostname()}.`;
  const candidates = [`${basename(dest)}.partial`];
  for (const f of readdirSync(dir)) {
    const m = f.startsWith(own) ? /^(\d+)\.\d+\.tmp$/.exec(f.slice(own.length)) : null;
    if (m && Number(m[1]) !== process.pid && !isAlive(Number(m[1]))) candidates.push(f);
  }
  for (const c of candidates) {
    try {
      renameSync(join(dir, c), tmp); // atomic: of two processes, one wins and the other gets ENOENT
      return statSync(tmp).size;
    } catch {
      // gone meanwhile: try the next one
    }
  }
  return 0;
}

async function hashFile(path: string, hash: Hash): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

function reasonOf(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

/** Downloads under way in this process, by cache path: a second request for one waits for it. */
const inFlight = new Map<string, Promise<string>>();
let tmpCount = 0;

/**
 * Downloads `url` into the cache unless it is already there, and returns the cached path.
 * Errors (offline, HTTP status, corrupt file) name the URL and the cache path where the file
 * may be placed by hand.
 */
export async function download(url: string, o: DownloadOptions = {}): Promise<string> {
  const dest = cachePathOf(url, o.cacheDir);
  if (existsSync(dest)) return dest;
  const pending = inFlight.get(dest);
  if (pending) return pending;
  const p = fetchInto(url, dest, o).finally(() => inFlight.delete(dest));
  inFlight.set(dest, p);
  return p;
}

async function fetchInto(url: string, dest: string, o: DownloadOptions): Promise<string> {
  mkdirSync(dirname(dest), { recursive: true });
  const fetchImpl = o.fetchImpl ?? globalThis.fetch;
  const name = basename(dest);
  const byHand = `download it yourself to ${dest}, or give a local file`;
  const tmp = `${dest}.${hostname()}.${process.pid}.${tmpCount++}.tmp`;
  const keep = () => { if (existsSync(tmp)) renameSync(tmp, `${dest}.partial`); };

  // A reused keep-alive socket that the server closed meanwhile resets: ask once more.
  const get = async (init: RequestInit): Promise<Response> => {
    try {
      return await fetchImpl(url, init);
    } catch (e) {
      if (reasonOf(e) !== 'ECONNRESET') throw e;
      return fetchImpl(url, init);
    }
  };
  let offset = claimPartial(dest, tmp);
  let res: Response;
  try {
    res = await get(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {});
    const range = /^bytes (\d+)-/.exec(res.headers.get('content-range') ?? '');
    if (offset > 0 && !(res.status === 206 && range && Number(range[1]) === offset)) {
      // The server sends the whole file (no Range support), or cannot resume here: start over.
      rmSync(tmp, { force: true });
      offset = 0;
      if (res.status !== 200) {
        await res.body?.cancel();
        res = await get({});
      }
    }
  } catch (e) {
    keep();
    throw new DownloadError(`cannot download ${url} (${reasonOf(e)}): offline or the server is unreachable, ` +
      `nothing was downloaded; ${byHand}`, { cause: e });
  }
  if (!res.ok || !res.body) {
    keep();
    throw new DownloadError(`cannot download ${url}: HTTP ${res.status} ${res.statusText}; nothing was downloaded; ${byHand}`);
  }

  const hash = createHash('sha256');
  if (offset > 0) await hashFile(tmp, hash);
  const length = Number(res.headers.get('content-length') ?? 0);
  const total = length > 0 ? offset + length : 0;
  const progress = o.progress ?? Boolean(process.stderr.isTTY);
  if (o.progress !== false) process.stderr.write(`Downloading ${url} to ${dest}${offset ? ` (resuming at ${(offset / MiB).toFixed(1)} MiB)` : ''}\n`);
  const bar = progress ? new ProgressBar(name, total, offset) : null;
  const out = createWriteStream(tmp, { flags: offset > 0 ? 'a' : 'w' });
  let done = offset;
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      done += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      bar?.update(done);
    }
    if (total > 0 && done !== total) throw new Error(`the server sent ${done} of ${total} bytes`);
  } catch (e) {
    await new Promise<void>((r) => out.end(() => r()));
    if (bar) process.stderr.write('\n');
    keep();
    throw new DownloadError(`download of ${url} was interrupted after ${(done / MiB).toFixed(1)} MiB (${reasonOf(e)}); ` +
      `the part is kept in ${dest}.partial and the next attempt resumes it; or ${byHand}`, { cause: e });
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  bar?.update(done, true);
  const digest = hash.digest('hex');
  const prefix = hashPrefixOf(name);
  if ((o.checkHash ?? true) && prefix && !digest.startsWith(prefix)) {
    rmSync(tmp, { force: true });
    throw new DownloadError(`invalid hash value of ${url}: its name says sha256 ${prefix}..., the downloaded file has ` +
      `${digest.slice(0, Math.max(prefix.length, 16))}...; the download is corrupt or the file was renamed, and nothing was kept`);
  }
  renameSync(tmp, dest);
  return dest;
}
