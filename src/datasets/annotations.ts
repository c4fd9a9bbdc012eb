/**
 * Annotation files as MMAction2 reads them: whitespace-separated text lists (one sample per
 * line) and JSON lists. Every parse error names the file and the 1-based line.
 */
import { readFileSync } from 'node:fs';

export class AnnotationError extends Error {
  constructor(file: string, line: number | null, message: string) {
    super(`${file}${line !== null ? `:${line}` : ''}: ${message}`);
    this.name = 'AnnotationError';
  }
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AnnotationError(file, null, code === 'ENOENT' ? 'annotation file not found' : (e as Error).message);
  }
}

/** Non-blank lines split on whitespace, with their line numbers. */
export function readAnnotationLines(file: string): { fields: string[]; line: number; text: string }[] {
  const out: { fields: string[]; line: number; text: string }[] = [];
  readText(file).split(/\r?\n/).forEach((text, i) => {
    const fields = text.trim().split(/\s+/).filter(Boolean);
    if (fields.length) out.push({ fields, line: i + 1, text });
  });
  return out;
}

/** Parse a base-10 integer field or throw naming the file, line and field. */
export function intField(file: string, line: number, name: string, s: string | undefined): number {
  if (s === undefined) throw new AnnotationError(file, line, `missing ${name}`);
  if (!/^[-+]?\d+$/.test(s)) throw new AnnotationError(file, line, `${name} must be an integer, got '${s}'`);
  return Number(s);
}

export function readJsonList(file: string): Record<string, unknown>[] {
  let data: unknown;
  try {
    data = JSON.parse(readText(file));
  } catch (e) {
    if (e instanceof AnnotationError) throw e;
    throw new AnnotationError(file, null, `invalid JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(data)) throw new AnnotationError(file, null, 'expected a JSON list of samples');
  return data as Record<string, unknown>[];
}
