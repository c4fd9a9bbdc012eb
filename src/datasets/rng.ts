/**
 * numpy's legacy global generator (`np.random.seed` / `RandomState`): MT19937 with the
 * legacy `random_sample`, `uniform` and masked-rejection `randint`, so that a seeded
 * MMAction2 transform draws the same numbers here as in Python.
 *
 * Each pipeline owns one `RandomState`; `buildPipeline(cfg, { seed })` seeds it, and the
 * DataLoader derives one seed per sample so results do not depend on worker scheduling.
 */
const N = 624;
const M = 397;

export class RandomState {
  private mt = new Uint32Array(N);
  private pos = N;

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** `np.random.seed(seed)` for an integer seed in [0, 2**32). */
  seed(seed: number): void {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    }
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.pos = N;
  }

  private generate(): void {
    const mt = this.mt;
    let kk = 0;
    let y: number;
    for (; kk < N - M; kk++) {
      y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
      mt[kk] = mt[kk + M]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    for (; kk < N - 1; kk++) {
      y = (mt[kk]! & 0x80000000) | (mt[kk + 1]! & 0x7fffffff);
      mt[kk] = mt[kk + (M - N)]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    y = (mt[N - 1]! & 0x80000000) | (mt[0]! & 0x7fffffff);
    mt[N - 1] = mt[M - 1]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    this.pos = 0;
  }

  /** Next raw 32-bit output (tempered). */
  nextUint32(): number {
    if (this.pos >= N) this.generate();
    let y = this.mt[this.pos++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** `np.random.rand()` / `random_sample()`: 53-bit double in [0, 1). */
  rand(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  /** `np.random.uniform(low, high)`. */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.rand();
  }

  /**
   * `np.random.randint(low, high)` (one draw; `randint(n)` is `randint(0, n)`), legacy
   * masked rejection sampling on 32-bit outputs. Ranges wider than 2**32 are rejected.
   */
  randint(low: number, high?: number): number {
    if (high === undefined) {
      high = low;
      low = 0;
    }
    if (!(low < high)) throw new RangeError(high <= 0 && low === 0 ? 'high <= 0' : 'low >= high');
    const rng = high - 1 - low;
    if (rng === 0) return low;
    if (rng > 0xffffffff) throw new RangeError('randint: ranges above 2**32 are not supported');
    if (rng === 0xffffffff) return low + this.nextUint32();
    let mask = rng;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    while ((v = (this.nextUint32() & mask) >>> 0) > rng);
    return low + v;
  }

  /** `np.random.randint(low, high, size=n)`. */
  randints(low: number, high: number | undefined, n: number): number[] {
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.randint(low, high);
    return out;
  }

  /** Legacy `random_interval(max)`: uniform integer in [0, max], as `np.random.shuffle` uses. */
  interval(max: number): number {
    if (max === 0) return 0;
    let mask = max;
    mask |= mask >>> 1;
    mask |= mask >>> 2;
    mask |= mask >>> 4;
    mask |= mask >>> 8;
    mask |= mask >>> 16;
    mask >>>= 0;
    let v: number;
    while ((v = (this.nextUint32() & mask) >>> 0) > max);
    return v;
  }

  /** `np.random.shuffle(arr)` (legacy Fisher-Yates from the end), in place. */
  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.interval(i);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
    return arr;
  }

  /** `np.random.permutation(n)`. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** Python's `random.seed(int)` (init_by_array over the 32-bit words of |seed|). */
  seedPython(seed: number): void {
    let a = Math.abs(Math.trunc(seed));
    const key: number[] = [];
    do {
      key.push(a % 0x100000000);
      a = Math.floor(a / 0x100000000);
    } while (a > 0);
    this.seed(19650218);
    const mt = this.mt;
    let i = 1;
    let j = 0;
    for (let k = Math.max(N, key.length); k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1664525)) + key[j]! + j) >>> 0;
      i++;
      j++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = N - 1; k > 0; k--) {
      const prev = mt[i - 1]! ^ (mt[i - 1]! >>> 30);
      mt[i] = ((mt[i]! ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= N) {
        mt[0] = mt[N - 1]!;
        i = 1;
      }
    }
    mt[0] = 0x80000000;
    this.pos = N;
  }

  /** Python's `random._randbelow(n)` (getrandbits rejection), n < 2**32. */
  pyRandbelow(n: number): number {
    if (n <= 0) throw new RangeError('empty range');
    const k = 32 - Math.clz32(n);
    let r: number;
    do r = this.nextUint32() >>> (32 - k);
    while (r >= n);
    return r;
  }

  /** Python's `random.randint(a, b)` (inclusive). */
  pyRandint(a: number, b: number): number {
    if (b < a) throw new RangeError(`empty range for randint(${a}, ${b})`);
    return a + this.pyRandbelow(b - a + 1);
  }

  /** Python's `random.choice(seq)`. */
  pyChoice<T>(seq: readonly T[]): T {
    return seq[this.pyRandbelow(seq.length)]!;
  }
}

/**
 * The two global generators MMAction2's transforms draw from: numpy's (`np.random`) and
 * Python's (`random`, used by RandomResizedCrop and MultiScaleCrop offsets).
 */
export class PipelineRandom {
  readonly np = new RandomState(0);
  readonly py = new RandomState(0);

  constructor(seed = 0) {
    this.seed(seed);
  }

  /** Like `np.random.seed(seed); random.seed(seed)`. */
  seed(seed: number): void {
    this.np.seed(seed >>> 0);
    this.py.seedPython(seed);
  }
}
