/**
 * LoadHVULabel (MMAction2 0.24 `loading.py`): HVU's multi-category tags, given per video as
 * `label = { category: [tag index within the category, ...] }`, become one vector over all
 * categories' tags laid end to end (in `categories` order, `category_nums[i]` tags each).
 *
 * Reads `label`, `categories`, `category_nums` (the dataset sets the last two); writes
 * float32 `label` (one-hot over all tags), `mask` (1 over every tag of each category the
 * video is annotated in) and `category_mask` (1 per annotated category). Categories the
 * dataset does not train on are skipped. As in MMAction2, the category table is taken from
 * the first sample and kept.
 */
import { parseOptions, type Cfg } from './options.ts';
import type { Results, Transform } from './types.ts';

interface CategoryTable {
  categories: string[];
  /** First index of each category's tags in the label vector. */
  start: Map<string, number>;
  count: Map<string, number>;
  numTags: number;
}

function buildTable(categories: unknown, nums: unknown): CategoryTable {
  if (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string')) {
    throw new Error(`LoadHVULabel: results.categories must be a list of category names, got ${JSON.stringify(categories)} (HVUDataset sets it)`);
  }
  if (!Array.isArray(nums) || !nums.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new Error(`LoadHVULabel: results.category_nums must be a list of tag counts, got ${JSON.stringify(nums)}`);
  }
  if (categories.length !== nums.length) {
    throw new Error(`LoadHVULabel: ${categories.length} categories but ${nums.length} category_nums`);
  }
  const start = new Map<string, number>();
  const count = new Map<string, number>();
  let s = 0;
  categories.forEach((c: string, i) => {
    start.set(c, s);
    count.set(c, nums[i] as number);
    s += nums[i] as number;
  });
  return { categories: categories as string[], start, count, numTags: s };
}

export class LoadHVULabel implements Transform {
  readonly type = 'LoadHVULabel';
  #table: CategoryTable | null = null;

  constructor(cfg: Cfg, where = 'LoadHVULabel') {
    // MMAction2 accepts and ignores **kwargs; none are used by any config
    parseOptions(where, cfg, {});
  }

  call(results: Results): Results {
    this.#table ??= buildTable(results.categories, results.category_nums);
    const t = this.#table;
    const label = results.label as unknown;
    if (!label || typeof label !== 'object' || Array.isArray(label) || ArrayBuffer.isView(label)) {
      throw new Error(`LoadHVULabel: results.label must be a dict {category: [tag indices]}, got ${JSON.stringify(label)}`);
    }
    const onehot = new Float32Array(t.numTags);
    const mask = new Float32Array(t.numTags);
    const categoryMask = new Float32Array(t.categories.length);
    for (const [category, tags] of Object.entries(label as Record<string, unknown>)) {
      const start = t.start.get(category);
      if (start === undefined) continue; // not training on this category
      const n = t.count.get(category)!;
      if (!Array.isArray(tags)) throw new Error(`LoadHVULabel: label['${category}'] must be a list of tag indices, got ${JSON.stringify(tags)}`);
      categoryMask[t.categories.indexOf(category)] = 1;
      for (const tag of tags) {
        // MMAction2 would silently set a tag of the next category (or raise IndexError)
        if (!Number.isInteger(tag) || tag < 0 || tag >= n) {
          throw new Error(`LoadHVULabel: label['${category}'] has tag ${JSON.stringify(tag)}, but the category has ${n} tags (0..${n - 1})`);
        }
        onehot[start + tag] = 1;
      }
      mask.fill(1, start, start + n);
    }
    results.label = onehot;
    results.mask = mask;
    results.category_mask = categoryMask;
    return results;
  }
}
