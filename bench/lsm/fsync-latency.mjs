#!/usr/bin/env node
// The disk's own commit floor: append a small record to a temp file and fdatasync it, `count`
// times, timing each pair. A WAL commit with fsync on cannot be faster than this on the same
// file system, so commit latencies are quoted next to it.
//
// --compare: does a preallocated log pay on this file system? Alternating pairs of runs:
// (a) appends to a growing file (each fdatasync must also commit the new size: a journal
// transaction on ext4/xfs) vs (b) positioned writes into a file zero-filled and fsynced ahead
// (fdatasync flushes only data). Prints each pair's p50s and the median of per-pair ratios.
//
// Usage: node bench/lsm/fsync-latency.mjs [--count 2000] [--bytes 128] [--dir /tmp]
//        node bench/lsm/fsync-latency.mjs --compare [--pairs 5] [--count 500] [--bytes 128]

import { openSync, writeSync, fdatasyncSync, fsyncSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, median, parseArgs, fmt } from '../lib/stats.mjs';

/** mode 'append': a growing file; 'prealloc': writes into a zero-filled, fsynced file. */
export function measureFsync({ count = 2000, bytes = 128, dir = tmpdir(), mode = 'append' } = {}) {
  const root = mkdtempSync(join(dir, 'pyralog-bench-fsync-'));
  try {
    const path = join(root, 'log');
    let fd;
    if (mode === 'prealloc') {
      fd = openSync(path, 'w');
      const chunk = Buffer.alloc(1 << 20);
      const sizeBytes = count * bytes;
      for (let off = 0; off < sizeBytes; off += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, sizeBytes - off), off);
      fsyncSync(fd);
    } else {
      fd = openSync(path, 'a');
    }
    const rec = Buffer.alloc(bytes, 0x5a);
    const lat = new Float64Array(count);
    try {
      for (let i = 0; i < count; i++) {
        const a = performance.now();
        if (mode === 'prealloc') writeSync(fd, rec, 0, bytes, i * bytes);
        else writeSync(fd, rec);
        fdatasyncSync(fd);
        lat[i] = performance.now() - a;
      }
    } finally {
      closeSync(fd);
    }
    return { mode, count, bytes, p50Us: percentile(lat, 50) * 1000, p99Us: percentile(lat, 99) * 1000, maxUs: percentile(lat, 100) * 1000 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Alternating pairs (append, prealloc); ratio = append p50 / prealloc p50 per pair. */
export function compareFsync({ pairs = 5, count = 500, bytes = 128, dir = tmpdir() } = {}) {
  const rows = [];
  for (let p = 0; p < pairs; p++) {
    const first = p % 2 === 0 ? 'append' : 'prealloc'; // alternate who goes first
    const r1 = measureFsync({ count, bytes, dir, mode: first });
    const r2 = measureFsync({ count, bytes, dir, mode: first === 'append' ? 'prealloc' : 'append' });
    const append = first === 'append' ? r1 : r2;
    const prealloc = first === 'append' ? r2 : r1;
    rows.push({ append, prealloc, ratio: append.p50Us / prealloc.p50Us });
  }
  return { rows, medianRatio: median(rows.map((r) => r.ratio)) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opt = parseArgs(process.argv.slice(2), { count: '2000', bytes: '128', dir: tmpdir(), compare: false, pairs: '5' });
  if (opt.compare) {
    const r = compareFsync({ pairs: Number(opt.pairs), count: Number(opt.count), bytes: Number(opt.bytes), dir: opt.dir });
    for (const [i, x] of r.rows.entries()) {
      process.stdout.write(`pair ${i + 1}: append p50 ${fmt(x.append.p50Us)} µs (p99 ${fmt(x.append.p99Us)}), prealloc p50 ${fmt(x.prealloc.p50Us)} µs (p99 ${fmt(x.prealloc.p99Us)}), ratio ${x.ratio.toFixed(2)}\n`);
    }
    process.stdout.write(`median append/prealloc p50 ratio: ${r.medianRatio.toFixed(2)}×\n`);
  } else {
    const r = measureFsync({ count: Number(opt.count), bytes: Number(opt.bytes), dir: opt.dir });
    process.stdout.write(`write(${r.bytes} B)+fdatasync × ${r.count} in ${opt.dir}: p50 ${fmt(r.p50Us)} µs, p99 ${fmt(r.p99Us)} µs, max ${fmt(r.maxUs)} µs\n`);
  }
}
