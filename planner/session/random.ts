// The session's random() generator: xoshiro128** seeded from the OS, re-seedable by setseed()
// so a sequence can be repeated (PostgreSQL's promise; the numbers differ from PostgreSQL's).

import { randomBytes } from 'node:crypto';

export class SeededRandom {
  private s = new Uint32Array(4);

  constructor() {
    const b = randomBytes(16);
    for (let i = 0; i < 4; i++) this.s[i] = b.readUInt32LE(i * 4);
    if (this.s.every((x) => x === 0)) this.s[0] = 1;
  }

  seed(x: number): void {
    // Spread the seed in [-1, 1] over the state with splitmix32.
    let z = Math.floor((x + 1) * 0x7fffffff) >>> 0;
    for (let i = 0; i < 4; i++) {
      z = (z + 0x9e3779b9) >>> 0;
      let t = z;
      t = Math.imul(t ^ (t >>> 16), 0x85ebca6b) >>> 0;
      t = Math.imul(t ^ (t >>> 13), 0xc2b2ae35) >>> 0;
      this.s[i] = (t ^ (t >>> 16)) >>> 0;
    }
  }

  /** Uniform in [0, 1) with 53 random bits. */
  next(): number {
    const hi = this.u32() >>> 5, lo = this.u32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  private u32(): number {
    const s = this.s;
    const result = Math.imul(rotl(Math.imul(s[1]!, 5) >>> 0, 7), 9) >>> 0;
    const t = (s[1]! << 9) >>> 0;
    s[2] ^= s[0]!;
    s[3] ^= s[1]!;
    s[1] ^= s[2]!;
    s[0] ^= s[3]!;
    s[2] ^= t;
    s[3] = rotl(s[3]!, 11);
    return result;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
