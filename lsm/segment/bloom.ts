// Bloom filter on a segment's distinct keys. Spec: FORMAT.md "Bloom filter".
// bitsPerKey = 10 and k = 7 probes give ~0.8-1 % false positives; probes use double hashing
// (h1 + i*h2) over two 32-bit hashes computed in one pass over the key bytes. Invariant: a key
// that was added always tests positive (no false negatives); the hash is part of the file
// format, so changing it needs a new format version.
export const BLOOM_BITS_PER_KEY = 10;
export const BLOOM_PROBES = 7;

/** Two independent 32-bit hashes of `key` (FNV-1a style mixing with murmur3's finaliser). */
export function hashKey(key: Uint8Array): [number, number] {
  return [hash1(key) >>> 0, hash2(key) >>> 0];
}

// The hashes stay int32 (`| 0`) inside the hot path: values above 2^31 would otherwise be
// boxed as heap numbers on every probe. Bits are identical to the unsigned form.
function hash1(key: Uint8Array): number {
  let h = 0x811c9dc5 ^ key.length;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key[i]!, 0x01000193);
  return fmix32(h);
}

function hash2(key: Uint8Array): number {
  let h = 0x9747b28c | 0;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key[i]!, 0x5bd1e995);
    h ^= h >>> 15;
  }
  return fmix32(h) | 1;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Build the filter bytes for `keys` (duplicates are harmless). Minimum 64 bits. */
export function buildBloom(keys: Iterable<Uint8Array>, keyCount: number): Uint8Array {
  const nBits = Math.max(64, Math.ceil((keyCount * BLOOM_BITS_PER_KEY) / 8) * 8);
  const bits = new Uint8Array(nBits / 8);
  for (const k of keys) {
    let h = hash1(k);
    const d = hash2(k);
    for (let i = 0; i < BLOOM_PROBES; i++) {
      const bit = (h >>> 0) % nBits;
      bits[bit >>> 3] = bits[bit >>> 3]! | (1 << (bit & 7));
      h = (h + d) | 0;
    }
  }
  return bits;
}

/**
 * buildBloom for keys stored back to back: key k is buf[offsets[k], offsets[k + 1]), k < n
 * (an ingest chunk's key buffer). The same bits as buildBloom over those keys, without a typed
 * array per key, and with both hashes in one pass over the bytes.
 */
export function buildBloomRanges(buf: Uint8Array, offsets: Int32Array, n: number): Uint8Array {
  const nBits = Math.max(64, Math.ceil((n * BLOOM_BITS_PER_KEY) / 8) * 8);
  const bits = new Uint8Array(nBits / 8);
  for (let k = 0; k < n; k++) {
    const s = offsets[k]!;
    const e = offsets[k + 1]!;
    let a = 0x811c9dc5 ^ (e - s);
    let b = 0x9747b28c | 0;
    for (let i = s; i < e; i++) {
      const c = buf[i]!;
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x5bd1e995);
      b ^= b >>> 15;
    }
    let h = fmix32(a);
    const d = fmix32(b) | 1;
    for (let i = 0; i < BLOOM_PROBES; i++) {
      const bit = (h >>> 0) % nBits;
      bits[bit >>> 3] = bits[bit >>> 3]! | (1 << (bit & 7));
      h = (h + d) | 0;
    }
  }
  return bits;
}

/** False means "certainly absent"; true means "maybe present". */
export function bloomMayContain(bits: Uint8Array, key: Uint8Array): boolean {
  return bloomMayContainHashed(bits, hash1(key), hash2(key));
}

/** The two probe hashes of a key (int32 form), computed once when one point get tests the
 *  filters of several segments (every L0 file, then one file per level). */
export function keyHash1(key: Uint8Array): number {
  return hash1(key);
}
export function keyHash2(key: Uint8Array): number {
  return hash2(key);
}

/** bloomMayContain with the hashes already computed (keyHash1/keyHash2 of the key). */
export function bloomMayContainHashed(bits: Uint8Array, h1: number, h2: number): boolean {
  const nBits = bits.length * 8;
  if (nBits === 0) return true;
  let h = h1;
  const d = h2;
  for (let i = 0; i < BLOOM_PROBES; i++) {
    const bit = (h >>> 0) % nBits;
    if ((bits[bit >>> 3]! & (1 << (bit & 7))) === 0) return false;
    h = (h + d) | 0;
  }
  return true;
}
