#!/usr/bin/env node
// The disk's own commit floor: append a small record to a temp file and fdatasync it, `count`
// times, timing each pair. A WAL commit with fsync on cannot be faster than this on the same
// file system, so commit latencies are quoted next to it.
//
// Usage: node bench/lsm/fsync-latency.mjs [--count 2000] [--bytes 128] [--dir /tmp]

import { openSync, writeSync, fdatasyncSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentile, parseArgs, fmt } from '../lib/stats.mjs';

export function measureFsync({ count = 2000, bytes = 128, dir = tmpdir() } = {}) {
  const root = mkdtempSync(join(dir, 'pyralog-bench-fsync-'));
  try {
    const fd = openSync(join(root, 'log'), 'a');
    const rec = Buffer.alloc(bytes, 0x5a);
    const lat = new Float64Array(count);
    try {
      for (let i = 0; i < count; i++) {
        const a = performance.now();
        writeSync(fd, rec);
        fdatasyncSync(fd);
        lat[i] = performance.now() - a;
      }
    } finally {
      closeSync(fd);
    }
    return { count, bytes, p50Us: percentile(lat, 50) * 1000, p99Us: percentile(lat, 99) * 1000, maxUs: percentile(lat, 100) * 1000 };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const opt = parseArgs(process.argv.slice(2), { count: '2000', bytes: '128', dir: tmpdir() });
  const r = measureFsync({ count: Number(opt.count), bytes: Number(opt.bytes), dir: opt.dir });
  process.stdout.write(`write(${r.bytes} B)+fdatasync × ${r.count} in ${opt.dir}: p50 ${fmt(r.p50Us)} µs, p99 ${fmt(r.p99Us)} µs, max ${fmt(r.maxUs)} µs\n`);
}
