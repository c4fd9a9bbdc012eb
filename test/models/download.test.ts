/**
 * download() against a local HTTP server (no internet): the sha256 file-name check, the cache,
 * clear errors for HTTP errors and unreachable servers, resuming interrupted downloads, and
 * loadCheckpoint from an http URL.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.ts';
import { download, DownloadError, buildModel, loadCheckpoint } from '../../src/models/index.ts';
import { closedPortUrl, startServer, type TestServer } from '../helpers/http_server.ts';

const fx = new URL('../fixtures/models/tsn_r50s2/', import.meta.url).pathname;
const body = readFileSync(`${fx}checkpoint.pth`);
const sha = createHash('sha256').update(body).digest('hex');
const good = `/ckpt/tsn_r50s2-${sha.slice(0, 8)}.pth`;
const wrong = `/ckpt/tsn_r50s2-${sha.slice(0, 7)}${sha[7] === '0' ? '1' : '0'}.pth`; // same bytes, a wrong hash in the name
const half = Math.floor(body.length / 2);

const tmp = mkdtempSync(join(tmpdir(), 'mmts-download-'));
let srv: TestServer;
let n = 0;
const freshDir = () => join(tmp, `cache${n++}`);

before(async () => {
  srv = await startServer({
    [good]: { body },
    [wrong]: { body },
    [`/flaky/tsn_r50s2-${sha.slice(0, 8)}.pth`]: { body, cutAfter: half },
    [`/norange/tsn_r50s2-${sha.slice(0, 8)}.pth`]: { body, cutAfter: half, ignoreRange: true },
    '/plain/no_hash.bin': { body: new Uint8Array([1, 2, 3]) },
  });
});
after(async () => {
  await srv?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('downloads into the cache after checking the sha256 prefix; a second call is a cache hit', async () => {
  const dir = freshDir();
  const url = srv.base + good;
  const p = await download(url, { cacheDir: dir, progress: false });
  assert.equal(p, join(dir, `tsn_r50s2-${sha.slice(0, 8)}.pth`));
  assert.ok(readFileSync(p).equals(body));
  assert.deepEqual(readdirSync(dir), [`tsn_r50s2-${sha.slice(0, 8)}.pth`], 'no temporary file left');
  assert.equal(await download(url, { cacheDir: dir, progress: false }), p);
  assert.equal(srv.hits.get(good), 1, 'the second call did not request the file again');
  // A name without a hash prefix is not checked.
  const q = await download(`${srv.base}/plain/no_hash.bin`, { cacheDir: dir, progress: false });
  assert.deepEqual([...readFileSync(q)], [1, 2, 3]);
});

test('two concurrent requests for one file share one download', async () => {
  const dir = freshDir();
  const before = srv.hits.get(good) ?? 0;
  const [p, q] = await Promise.all([download(srv.base + good, { cacheDir: dir, progress: false }), download(srv.base + good, { cacheDir: dir, progress: false })]);
  assert.equal(p, q);
  assert.equal(srv.hits.get(good), before + 1);
  assert.ok(readFileSync(p).equals(body));
  assert.deepEqual(readdirSync(dir), [`tsn_r50s2-${sha.slice(0, 8)}.pth`]);
});

test('a file whose name carries a wrong hash is rejected and nothing is kept', async () => {
  const dir = freshDir();
  await assert.rejects(download(srv.base + wrong, { cacheDir: dir, progress: false }), (e: Error) => {
    assert.ok(e instanceof DownloadError);
    assert.match(e.message, new RegExp(`invalid hash value of ${srv.base}${wrong}: its name says sha256 ${wrong.slice(-12, -4)}\\.\\.\\., the downloaded file has ${sha.slice(0, 16)}`));
    return true;
  });
  assert.deepEqual(readdirSync(dir), []);
  // checkHash: false accepts it (for files known to be renamed).
  assert.ok(readFileSync(await download(srv.base + wrong, { cacheDir: dir, progress: false, checkHash: false })).equals(body));
});

test('an HTTP error names the URL, the status and the cache path; nothing is downloaded', async () => {
  const dir = freshDir();
  const url = `${srv.base}/ckpt/missing-0123abcd.pth`;
  await assert.rejects(download(url, { cacheDir: dir, progress: false }), (e: Error) => {
    assert.ok(e instanceof DownloadError);
    assert.equal(e.message, `cannot download ${url}: HTTP 404 Not Found; nothing was downloaded; ` +
      `download it yourself to ${join(dir, 'missing-0123abcd.pth')}, or give a local file`);
    return true;
  });
  assert.deepEqual(readdirSync(dir), []);
});

test('a server that is down gives the offline message with the cache path', async () => {
  const dir = freshDir();
  const url = await closedPortUrl('/m/model-0123abcd.pth');
  await assert.rejects(download(url, { cacheDir: dir, progress: false }), (e: Error) => {
    assert.ok(e instanceof DownloadError);
    assert.ok(e.message.startsWith(`cannot download ${url} (ECONNREFUSED): offline or the server is unreachable, nothing was downloaded; `), e.message);
    assert.ok(e.message.endsWith(`download it yourself to ${join(dir, 'model-0123abcd.pth')}, or give a local file`), e.message);
    return true;
  });
  assert.ok(!existsSync(join(dir, 'model-0123abcd.pth')));
});

test('an interrupted download is kept and the next call resumes it with a Range request', async () => {
  const dir = freshDir();
  const path = `/flaky/tsn_r50s2-${sha.slice(0, 8)}.pth`;
  const dest = join(dir, `tsn_r50s2-${sha.slice(0, 8)}.pth`);
  await assert.rejects(download(srv.base + path, { cacheDir: dir, progress: false }), (e: Error) => {
    assert.ok(e instanceof DownloadError);
    assert.match(e.message, new RegExp(`download of ${srv.base}${path} was interrupted after .* MiB .*the part is kept in ${dest}\\.partial and the next attempt resumes it`));
    return true;
  });
  assert.ok(!existsSync(dest));
  // The part holds what arrived before the cut (the client may drop bytes still in flight).
  const kept = readFileSync(`${dest}.partial`);
  assert.ok(kept.length > 0 && kept.length <= half, `kept ${kept.length} bytes`);
  assert.ok(kept.equals(body.subarray(0, kept.length)));
  assert.equal(await download(srv.base + path, { cacheDir: dir, progress: false }), dest);
  assert.deepEqual(srv.ranges.get(path), ['', `bytes=${kept.length}-`]);
  assert.ok(readFileSync(dest).equals(body), 'resumed file equals the original (and passed the hash check)');
  assert.deepEqual(readdirSync(dir), [`tsn_r50s2-${sha.slice(0, 8)}.pth`]);
});

test('the temporary file of a process that died mid-download is resumed; a server without Range support restarts', async () => {
  const dir = freshDir();
  const name = `tsn_r50s2-${sha.slice(0, 8)}.pth`;
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const orphan = join(dir, `${name}.${hostname()}.${dead.stdout}.0.tmp`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(orphan, body.subarray(0, 1000));
  const path = `/ckpt/${name}`;
  const before = srv.ranges.get(path)?.length ?? 0;
  const dest = await download(srv.base + path, { cacheDir: dir, progress: false });
  assert.deepEqual(srv.ranges.get(path)!.slice(before), ['bytes=1000-']);
  assert.ok(readFileSync(dest).equals(body));
  assert.deepEqual(readdirSync(dir), [name]);

  // No Range support: the kept part is dropped and the whole file is taken from the 200 answer.
  const dir2 = freshDir();
  const np = `/norange/${name}`;
  await assert.rejects(download(srv.base + np, { cacheDir: dir2, progress: false }), /interrupted/);
  const p2 = await download(srv.base + np, { cacheDir: dir2, progress: false });
  assert.equal(srv.ranges.get(np)!.length, 2);
  assert.match(srv.ranges.get(np)![1], /^bytes=[1-9]\d*-$/);
  assert.ok(readFileSync(p2).equals(body));
});

test('the progress bar goes to stderr', async () => {
  const dir = freshDir();
  const chunks: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((s: string | Uint8Array) => { chunks.push(String(s)); return true; }) as typeof process.stderr.write;
  try {
    await download(srv.base + good, { cacheDir: dir, progress: true });
  } finally {
    process.stderr.write = write;
  }
  const text = chunks.join('');
  assert.ok(text.startsWith(`Downloading ${srv.base}${good} to ${dir}/`), text);
  assert.match(text, /tsn_r50s2-[0-9a-f]{8}\.pth \[#{30}\] 100\.0% 5\.6\/5\.6 MiB [\d.]+ MiB\/s\x1b\[K\n$/);
});

test('loadCheckpoint from an http URL equals loading the file', async () => {
  const cfg = JSON.parse(readFileSync(`${fx}config.json`, 'utf8')).model;
  cfg.backbone.pretrained = null;
  const a = buildModel(cfg);
  const b = buildModel(cfg);
  await loadCheckpoint(a, `${fx}checkpoint.pth`, { strict: true });
  const r = await loadCheckpoint(b, srv.base + good, { strict: true, cacheDir: freshDir(), progress: false });
  assert.ok(r.path.endsWith(`tsn_r50s2-${sha.slice(0, 8)}.pth`));
  const sa = a.stateDict();
  const sb = b.stateDict();
  assert.equal(sa.size, sb.size);
  for (const [k, v] of sa) assert.ok(v.equal(sb.get(k)!), k);
  a.dispose();
  b.dispose();
});
