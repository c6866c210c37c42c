/**
 * A small seeded PRNG (mulberry32) and the draws the demo and data generators need.
 * Deterministic on purpose: the same seed gives the same demo data on every machine, so the demo
 * seed is idempotent by primary key and benchmarks are repeatable.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** Picks by weight; `weights` are relative and need not sum to 1. */
  weighted<T>(items: readonly T[], weights: readonly number[]): T {
    let total = 0;
    for (const w of weights) total += w;
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i];
      if (r < 0) return items[i];
    }
    return items[items.length - 1];
  }

  /** Up to `n` distinct items, in the order drawn. */
  sample<T>(items: readonly T[], n: number): T[] {
    if (n >= items.length) return [...items];
    const out: T[] = [];
    const taken = new Set<number>();
    while (out.length < n) {
      const i = Math.floor(this.next() * items.length);
      if (!taken.has(i)) {
        taken.add(i);
        out.push(items[i]);
      }
    }
    return out;
  }

  /** Log-uniform in [min, max]: realistic for money and head counts (many small, few large). */
  logUniform(min: number, max: number): number {
    return Math.exp(Math.log(min) + this.next() * (Math.log(max) - Math.log(min)));
  }
}

/** Mixes a seed and an index into a new 32-bit seed (splitmix-style), for per-record streams. */
export function mixSeed(seed: number, index: number, salt = 0): number {
  let z = (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35) + salt) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** A fresh stream for record `index` of a dataset: records can be regenerated one at a time. */
export function recordRng(seed: number, index: number, salt = 0): Rng {
  return new Rng(mixSeed(seed, index, salt));
}

/**
 * A version-4-shaped UUID for record `index` of kind `salt`: distinct for distinct (salt, index)
 * under one seed (the last 12 hex digits encode them bijectively), random-looking elsewhere.
 * Per-record PRNG streams have only 32 bits of state, so ids must not be drawn from them.
 */
export function recordUuid(seed: number, salt: number, index: number): string {
  const a = mixSeed(seed, index, salt * 2 + 101);
  const b = mixSeed(seed, index, salt * 2 + 102);
  const mask = mixSeed(seed, -1, salt);
  const variant = HEX[8 | (b >>> 30)];
  return `${hex8(a)}-${hex8(b).slice(0, 4)}-4${hex8(b >>> 16).slice(5)}-${variant}${hex8(b >>> 4).slice(5)}-${hex8(
    salt,
  ).slice(4)}${hex8((index ^ mask) >>> 0)}`;
}

const HEX = '0123456789abcdef';
const BYTE_HEX = Array.from({ length: 256 }, (_, i) => HEX[i >> 4] + HEX[i & 15]);
function hex8(n: number): string {
  return (
    BYTE_HEX[(n >>> 24) & 255] + BYTE_HEX[(n >>> 16) & 255] + BYTE_HEX[(n >>> 8) & 255] + BYTE_HEX[n & 255]
  );
}
