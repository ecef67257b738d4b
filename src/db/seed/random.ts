/**
 * A small seeded PRNG for the demo/test data generator: sfc32 (Chris Doty-Humphrey's Small Fast
 * Counter, 128-bit state) seeded through splitmix32 from a string key. No Math.random anywhere:
 * the same key always yields the same stream, on every machine and every Node.js version.
 *
 * Streams are addressed by a path (`fork("customer", 17)`), not by how many values were drawn
 * before: a customer's data does not change when another customer draws more or fewer values,
 * and visits can be generated lazily, in batches, from their own stream.
 */

const TWO_POW_32 = 0x1_0000_0000;

/** FNV-1a over the UTF-16 code units of `text`, then a murmur3 finaliser. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** splitmix32: spreads one 32-bit seed over the four words of the sfc32 state. */
function splitmix32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
}

export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d: number;
  /** The path this stream was derived from: forks extend it. */
  readonly key: string;

  constructor(key: string | number) {
    this.key = String(key);
    const mix = splitmix32(hashString(this.key));
    this.#a = mix();
    this.#b = mix();
    this.#c = mix();
    this.#d = mix();
    for (let i = 0; i < 15; i++) this.uint32(); // warm up, as sfc32 recommends
  }

  /** An independent stream named by `labels` under this one; does not draw from this one. */
  fork(...labels: Array<string | number>): Rng {
    return new Rng(`${this.key}/${labels.join("/")}`);
  }

  /** A uniformly distributed unsigned 32-bit integer (sfc32). */
  uint32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 bits of randomness. */
  float(): number {
    return this.uint32() / TWO_POW_32;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`int(${min}, ${max}): need integers with min <= max`);
    }
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** A float in [min, max). */
  between(min: number, max: number): number {
    return min + this.float() * (max - min);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError("pick() from an empty list");
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** Picks one value by relative weight: `weighted([["EU", 55], ["UK", 15]])`. */
  weighted<T>(entries: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of entries) total += w;
    if (!(total > 0)) throw new RangeError("weighted() needs a positive total weight");
    let r = this.float() * total;
    for (const [value, w] of entries) {
      if (r < w) return value;
      r -= w;
    }
    return (entries[entries.length - 1] as readonly [T, number])[0];
  }

  /** A date uniformly between `from` and `to`, truncated to whole seconds. */
  dateBetween(from: Date | number, to: Date | number): Date {
    const a = typeof from === "number" ? from : from.getTime();
    const b = typeof to === "number" ? to : to.getTime();
    if (b < a) throw new RangeError("dateBetween(): `to` is before `from`");
    const ms = a + Math.floor(this.float() * (b - a));
    return new Date(Math.floor(ms / 1000) * 1000);
  }

  /** A shuffled copy (Fisher-Yates); the input is left alone. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.float() * (i + 1));
      const tmp = out[i] as T;
      out[i] = out[j] as T;
      out[j] = tmp;
    }
    return out;
  }

  /** `k` distinct items in random order (all of them when `k` exceeds the length). */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, Math.max(0, k));
  }

  /** `length` characters drawn uniformly from `alphabet`. */
  string(alphabet: string, length: number): string {
    let out = "";
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.float() * alphabet.length)];
    return out;
  }

  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      const word = this.uint32();
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (word >>> (8 * k)) & 0xff;
    }
    return out;
  }

  /** An RFC 9562 version-4 UUID whose random bits come from this stream. */
  uuid(): string {
    const b = this.bytes(16);
    b[6] = ((b[6] as number) & 0x0f) | 0x40;
    b[8] = ((b[8] as number) & 0x3f) | 0x80;
    const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
