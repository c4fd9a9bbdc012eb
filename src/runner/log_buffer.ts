/**
 * mmcv's LogBuffer: per-key histories of (value, count); `average(n)` writes the count-weighted
 * mean of the last n entries (all when n = 0) to `output` and marks it ready for the loggers.
 */
export class LogBuffer {
  readonly valHistory = new Map<string, number[]>();
  readonly nHistory = new Map<string, number[]>();
  /** What the logger hooks print; evaluation hooks also write metric values here directly. */
  output: Record<string, unknown> = {};
  ready = false;

  clear(): void {
    this.valHistory.clear();
    this.nHistory.clear();
    this.clearOutput();
  }

  clearOutput(): void {
    this.output = {};
    this.ready = false;
  }

  update(vars: Record<string, number>, count = 1): void {
    for (const [k, v] of Object.entries(vars)) {
      if (!this.valHistory.has(k)) { this.valHistory.set(k, []); this.nHistory.set(k, []); }
      this.valHistory.get(k)!.push(v);
      this.nHistory.get(k)!.push(count);
    }
  }

  /** Weighted mean of the last `n` values of every key (n = 0: all), as numpy computes it. */
  average(n = 0): void {
    if (!(n >= 0)) throw new RangeError(`LogBuffer.average: n must be >= 0, got ${n}`);
    for (const [k, vals] of this.valHistory) {
      const counts = this.nHistory.get(k)!;
      // Python's list[-0:] is the whole list
      const v = n === 0 ? vals : vals.slice(-n);
      const c = n === 0 ? counts : counts.slice(-n);
      let num = 0, den = 0;
      for (let i = 0; i < v.length; i++) { num += v[i] * c[i]; den += c[i]; }
      this.output[k] = num / den;
    }
    this.ready = true;
  }
}
