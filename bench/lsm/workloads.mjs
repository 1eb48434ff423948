// The LSM workloads, written once against the adapter of engines.mjs so LevelDB and Pyralog run
// exactly the same operations on the same keys and values. Keys and values are generated before
// the clock starts (seeded PRNG), so a figure measures the engine, not the generator.
//
// Key space: key(i) = 8-byte big-endian (2·i) followed by 8 fixed bytes ("pyralog!"), 16 bytes.
// Present keys are even, miss keys (2·i+1) are odd, so misses fall INSIDE the key range and
// only bloom filters / indexes can answer them cheaply.

import { readFileSync } from 'node:fs';
import { percentile } from '../lib/stats.mjs';

const KEY_SUFFIX = Buffer.from('pyralog!');
export const KEY_BYTES = 16;
export const VALUE_BYTES = 100;

/** mulberry32: small, fast, seeded; enough for shuffles and picks. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function key(i, miss = false) {
  const k = Buffer.allocUnsafe(KEY_BYTES);
  k.writeBigUInt64BE(BigInt(2 * i + (miss ? 1 : 0)), 0);
  KEY_SUFFIX.copy(k, 8);
  return k;
}

export function shuffled(n, rand) {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** Pre-generated inputs shared by both engines in a round. */
export function makeData(n, seed) {
  const rand = rng(seed);
  const keys = new Array(n);
  const missKeys = new Array(n);
  for (let i = 0; i < n; i++) {
    keys[i] = key(i);
    missKeys[i] = key(i, true);
  }
  // Each value is its own 100-byte buffer (not a view into a shared pool) so an engine that
  // keeps the caller's bytes holds exactly what a real client would hand it.
  const values = new Array(n);
  for (let i = 0; i < n; i++) {
    const v = Buffer.allocUnsafeSlow(VALUE_BYTES);
    for (let j = 0; j < VALUE_BYTES; j += 4) v.writeUInt32LE((rand() * 4294967296) >>> 0, j);
    values[i] = v;
  }
  return {
    n,
    keys,
    missKeys,
    values,
    randomOrder: shuffled(n, rand),
    readOrder: shuffled(n, rand),
    overwriteOrder: shuffled(n, rand),
    rand,
  };
}

const nowMs = () => performance.now();

/** Bytes this process passed to write syscalls so far (libuv pool and native threads included). */
export function processWriteBytes() {
  const m = /wchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'));
  return m ? Number(m[1]) : NaN;
}

/** Write `n` keys in `order` in batches; returns { opsPerSec, userBytes }. */
export async function fill(eng, data, order, batchSize) {
  const t0 = nowMs();
  let batch = [];
  for (let i = 0; i < order.length; i++) {
    const k = order[i];
    batch.push([data.keys[k], data.values[k]]);
    if (batch.length === batchSize) {
      await eng.writeBatch(batch);
      batch = [];
    }
  }
  if (batch.length) await eng.writeBatch(batch);
  const ms = nowMs() - t0;
  return { opsPerSec: (order.length / ms) * 1000, userBytes: order.length * (KEY_BYTES + VALUE_BYTES) };
}

/** Point reads in a random order; every hit must return a 100-byte value, every miss nothing. */
export function readRandom(eng, data, { miss, count }) {
  const ks = miss ? data.missKeys : data.keys;
  const order = data.readOrder;
  const n = Math.min(count, order.length);
  let found = 0;
  const t0 = nowMs();
  for (let i = 0; i < n; i++) {
    const v = eng.get(ks[order[i]]);
    if (v !== undefined) found++;
  }
  const ms = nowMs() - t0;
  return { opsPerSec: (n / ms) * 1000, found, expected: miss ? 0 : n };
}

/** `scans` range scans of `length` keys each from random present keys. */
export async function rangeScans(eng, data, { scans, length }) {
  let visited = 0;
  const t0 = nowMs();
  for (let s = 0; s < scans; s++) {
    const start = data.readOrder[s % data.n];
    visited += await eng.scan(data.keys[start], length);
  }
  const ms = nowMs() - t0;
  return { opsPerSec: (visited / ms) * 1000, scansPerSec: (scans / ms) * 1000, visited };
}

/** Overwrite every key once in a random order (batches), then delete half of them. */
export async function overwriteDelete(eng, data, batchSize) {
  const t0 = nowMs();
  let ops = 0;
  let batch = [];
  const flush = async () => {
    if (batch.length) await eng.writeBatch(batch);
    ops += batch.length;
    batch = [];
  };
  for (let i = 0; i < data.n; i++) {
    const k = data.overwriteOrder[i];
    // A different value than the fill wrote: the next key's value.
    batch.push([data.keys[k], data.values[(k + 1) % data.n]]);
    if (batch.length === batchSize) await flush();
  }
  await flush();
  const overwriteMs = nowMs() - t0;
  const t1 = nowMs();
  for (let i = 0; i < data.n; i += 2) {
    batch.push([data.keys[data.readOrder[i]], undefined]);
    if (batch.length === batchSize) await flush();
  }
  await flush();
  const deleteMs = nowMs() - t1;
  const deletes = Math.ceil(data.n / 2);
  return {
    opsPerSec: (ops / (overwriteMs + deleteMs)) * 1000,
    overwritesPerSec: (data.n / overwriteMs) * 1000,
    deletesPerSec: (deletes / deleteMs) * 1000,
    userBytes: data.n * (KEY_BYTES + VALUE_BYTES) + deletes * KEY_BYTES,
    liveKeys: data.n - deletes,
  };
}

/**
 * Mixed (after overwriteDelete): for `seconds`, alternate a write batch (random overwrites of live keys: enough volume
 * to keep flushes and compactions running) with `readsPerBatch` random point reads, and record
 * each read's latency. Reports total ops/s and read p50/p99 in microseconds.
 */
export async function mixed(eng, data, { seconds, batchSize, readsPerBatch }) {
  const lat = new Float64Array(1 << 22);
  let nLat = 0;
  let ops = 0;
  let w = 0;
  const rand = data.rand;
  // Only keys that overwriteDelete left alive (odd positions of readOrder), so the live set and
  // therefore space amplification stay well defined.
  const liveCount = Math.floor(data.n / 2);
  const live = () => data.readOrder[2 * Math.floor(rand() * liveCount) + 1];
  const end = nowMs() + seconds * 1000;
  const t0 = nowMs();
  while (nowMs() < end) {
    const batch = new Array(batchSize);
    for (let i = 0; i < batchSize; i++) {
      const k = live();
      batch[i] = [data.keys[k], data.values[(k + 7 + w) % data.n]];
    }
    w++;
    await eng.writeBatch(batch);
    ops += batchSize;
    for (let i = 0; i < readsPerBatch; i++) {
      const k = data.keys[live()];
      const a = nowMs();
      eng.get(k);
      if (nLat < lat.length) lat[nLat++] = nowMs() - a;
    }
    ops += readsPerBatch;
  }
  const ms = nowMs() - t0;
  const l = lat.subarray(0, nLat);
  return { opsPerSec: (ops / ms) * 1000, readP50Us: percentile(l, 50) * 1000, readP99Us: percentile(l, 99) * 1000, userBytes: w * batchSize * (KEY_BYTES + VALUE_BYTES) };
}

/** `count` sequential single-key commits with sync on: per-commit latency in microseconds. */
export async function commitLatency(eng, data, count) {
  const lat = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const k = data.randomOrder[i % data.n];
    const a = nowMs();
    await eng.put(data.keys[k], data.values[k]);
    lat[i] = nowMs() - a;
  }
  return { p50Us: percentile(lat, 50) * 1000, p99Us: percentile(lat, 99) * 1000, maxUs: percentile(lat, 100) * 1000, opsPerSec: count / (lat.reduce((a, b) => a + b, 0) / 1000) };
}
