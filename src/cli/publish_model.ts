/**
 * `mmaction publish-model IN_FILE OUT_FILE` (MMAction2's tools/deployment/publish_model.py): drops
 * the optimizer state from a training checkpoint and writes it as `OUT-<sha256[:8]>.pth`, the
 * model-zoo naming that `loadCheckpoint`/downloads check the hash against.
 * Unlike publish_model.py (`out_file.rstrip('.pth')` strips any trailing '.', 'p', 't', 'h'
 * characters, so `depth.pth` becomes `de-xxxx.pth`), only a trailing `.pth` suffix is removed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { disposeTensors } from '../runner/checkpoint.ts';
import * as torch from '../torch/index.ts';

const USAGE = `usage: mmaction publish-model IN_FILE OUT_FILE

Removes the optimizer state from a checkpoint (a smaller file) and saves it as OUT_FILE with the
first 8 hex digits of its sha256 appended: work_dirs/x/latest.pth -> OUT-1a2b3c4d.pth.`;

export interface PublishResult { file: string; sha256: string; bytes: number; droppedKeys: string[] }

export function publishModel(inFile: string, outFile: string): PublishResult {
  if (!existsSync(inFile)) throw new Error(`${inFile} does not exist`);
  if (!existsSync(dirname(outFile) || '.')) throw new Error(`the folder of ${outFile} does not exist`);
  const ck = torch.loadSync(inFile);
  if (ck === null || typeof ck !== 'object' || ck instanceof torch.Tensor) throw new Error(`${inFile} is not a checkpoint dict`);
  const dropped: string[] = [];
  try {
    const top = ck instanceof Map ? ck : new Map(Object.entries(ck as Record<string, unknown>));
    if (!top.has('state_dict')) throw new Error(`${inFile} has no 'state_dict' (keys: ${[...top.keys()].join(', ')}); is it an MMAction2 checkpoint?`);
    const kept: Record<string, unknown> = {};
    for (const [k, v] of top) {
      if (k === 'optimizer') { dropped.push(k); disposeTensors(v); continue; }
      kept[String(k)] = v;
    }
    const base = outFile.endsWith('.pth') ? outFile.slice(0, -4) : outFile;
    const tmp = join(dirname(base), `.${basename(base)}.${process.pid}.publish.pth`);
    torch.saveSync(kept, tmp);
    const bytes = readFileSync(tmp);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const file = `${base}-${sha256.slice(0, 8)}.pth`;
    renameSync(tmp, file);
    return { file, sha256, bytes: bytes.length, droppedKeys: dropped };
  } finally {
    disposeTensors(ck);
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const pos = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.find((a) => a.startsWith('--'));
  if (unknown) throw new Error(`unknown option ${unknown}\n\n${USAGE}`);
  if (pos.length !== 2) throw new Error(`expected IN_FILE OUT_FILE, got ${pos.length} argument(s)\n\n${USAGE}`);
  const r = publishModel(pos[0], pos[1]);
  console.log(`${r.file} (${(r.bytes / 1e6).toFixed(2)} MB, sha256 ${r.sha256}${r.droppedKeys.length ? `; removed ${r.droppedKeys.join(', ')}` : ''})`);
  return 0;
}
