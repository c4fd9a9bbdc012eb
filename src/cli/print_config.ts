/**
 * `mmaction print-config CONFIG [--cfg-options K=V ...] [--format py|json|yaml|ts] [--out FILE]`:
 * prints the merged config (MMAction2's tools/analysis/print_config.py), or writes it atomically
 * to FILE in the format its extension names.
 */
import { Config } from '../config/config.ts';
import { formatFromPath, type DumpFormat } from '../config/dump.ts';
import { writeFileAtomic } from '../config/config.ts';

const USAGE = `usage: mmaction print-config CONFIG [--cfg-options KEY=VALUE ...] [--format py|json|yaml|ts] [--out FILE]

Prints the merged config: the file with its _base_ chain, after the overrides.

  CONFIG                 a config file: .py (MMAction2's own), .ts/.js, .json, .yaml
  --cfg-options K=V ...  override settings, as MMAction2's tools: model.backbone.depth=101,
                         lr_config.step=[10,20], data.train.pipeline.0.type=X, x=None
  --format F             py (default, like mmcv's pretty_text), json, yaml or ts
  --out FILE             write to FILE (atomically) instead of printing; the format
                         defaults to FILE's extension`;

const FORMATS: readonly DumpFormat[] = ['py', 'json', 'yaml', 'ts'];

export async function run(argv: string[]): Promise<number> {
  let config: string | undefined;
  let format: DumpFormat | undefined;
  let out: string | undefined;
  const options: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') && !a.startsWith('--cfg-options=')
      ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new Error(`${flag} needs a value\n\n${USAGE}`);
      return v;
    };
    if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      return 0;
    } else if (flag === '--cfg-options' || flag === '--options') {
      // nargs='+' like argparse: every following argument up to the next flag
      let n = 0;
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) { options.push(argv[++i]); n++; }
      if (!n) throw new Error(`--cfg-options needs at least one KEY=VALUE\n\n${USAGE}`);
    } else if (a.startsWith('--cfg-options=')) {
      options.push(a.slice('--cfg-options='.length));
    } else if (flag === '--format') {
      const f = value();
      if (!FORMATS.includes(f as DumpFormat)) throw new Error(`--format must be one of ${FORMATS.join(', ')}, got '${f}'`);
      format = f as DumpFormat;
    } else if (flag === '--out' || flag === '-o') {
      out = value();
    } else if (a.startsWith('-')) {
      throw new Error(`unknown option '${a}'\n\n${USAGE}`);
    } else if (config === undefined) {
      config = a;
    } else {
      throw new Error(`unexpected argument '${a}' (one CONFIG only)\n\n${USAGE}`);
    }
  }
  if (!config) {
    console.error(USAGE);
    return 2;
  }
  const cfg = await Config.fromFile(config, { cfgOptions: options });
  const fmt = format ?? (out ? formatFromPath(out) : 'py');
  const text = cfg.format(fmt);
  if (out) {
    writeFileAtomic(out, text);
    console.error(`wrote ${out}`);
  } else {
    process.stdout.write(text);
  }
  return 0;
}
