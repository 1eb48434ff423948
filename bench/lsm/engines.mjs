// The two key-value engines under comparison behind one small adapter each, so the workloads
// (workloads.mjs) run the same code against both: LevelDB through `classic-level` and Pyralog's
// LSM from the built tree (`dist/lsm/index.js`, `npm run build` first).
//
// Shapes: a key is a 16-byte Uint8Array; a value is a 100-byte Uint8Array. LevelDB stores the
// value bytes as they are; Pyralog stores a one-cell row [value] (Arrow Binary column), which is
// how the SQL layer stores a bytea column. Both engines get their default settings apart from
// the ones named here (sync per write; LevelDB's snappy compression stays on, it does nothing
// to the random values used).
//
// Adapter contract (every method may be sync or async; workloads await where the engine is
// async):
//   open(dir, { sync, writeBufferBytes? }) → engine handle with
//   writeBatch(pairs: [key, value|undefined][]) → Promise<void>   (undefined value = delete)
//   put(key, value) → Promise<void>                               (one commit, one WAL record)
//   get(key) → value | undefined                                   (synchronous)
//   scan(lowerKey, count) → Promise<number>                       (keys visited, ascending)
//   stats() → object                                               (engine's own counters)
//   close() → Promise<void>

import { ClassicLevel } from 'classic-level';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST_DIR, REPO_ROOT } from '../lib/pg-cluster.mjs';

export const TABLE_ID = 1;

export async function openLevel(dir, { sync, writeBufferBytes } = {}) {
  const options = { keyEncoding: 'view', valueEncoding: 'view' };
  if (writeBufferBytes) options.writeBufferSize = writeBufferBytes;
  const db = new ClassicLevel(dir, options);
  await db.open();
  const writeOpts = { sync: !!sync };
  return {
    name: 'leveldb',
    raw: db,
    writeBatch(pairs) {
      const ops = new Array(pairs.length);
      for (let i = 0; i < pairs.length; i++) {
        const [key, value] = pairs[i];
        ops[i] = value === undefined ? { type: 'del', key } : { type: 'put', key, value };
      }
      return db.batch(ops, writeOpts);
    },
    put(key, value) {
      return db.put(key, value, writeOpts);
    },
    get(key) {
      return db.getSync(key);
    },
    async scan(lower, count) {
      // nextv() is classic-level's fastest iteration path (entries fetched in native batches).
      const it = db.iterator({ gte: lower, limit: count });
      let n = 0;
      try {
        for (;;) {
          const batch = await it.nextv(Math.min(1000, count - n));
          if (batch.length === 0) break;
          n += batch.length;
          if (n >= count) break;
        }
      } finally {
        await it.close();
      }
      return n;
    },
    stats() {
      return { leveldbStats: db.getProperty('leveldb.stats') };
    },
    close() {
      return db.close();
    },
  };
}

/** Load the built LSM module, or throw a clear error when it is not built yet. */
export async function loadPyralogLsm() {
  const entry = join(DIST_DIR, 'lsm', 'index.js');
  if (!existsSync(entry)) throw new Error(`${entry} missing: run \`npm run build\` in ${REPO_ROOT}`);
  const mod = await import(pathToFileURL(entry).href);
  if (typeof mod.LsmDb?.open !== 'function') throw new Error(`${entry} does not export LsmDb.open yet`);
  return mod;
}

export async function openPyralog(dir, { sync, writeBufferBytes } = {}) {
  const { LsmDb } = await loadPyralogLsm();
  const options = { dir, syncMode: sync ? 'fsync' : 'off' };
  if (writeBufferBytes) options.memtableBytesMax = writeBufferBytes;
  const db = await LsmDb.open(options);
  return {
    name: 'pyralog',
    raw: db,
    writeBatch(pairs) {
      const entries = new Array(pairs.length);
      for (let i = 0; i < pairs.length; i++) {
        const [key, value] = pairs[i];
        entries[i] = value === undefined ? { table: TABLE_ID, key, kind: 'del' } : { table: TABLE_ID, key, kind: 'put', row: [value] };
      }
      return db.write(entries);
    },
    put(key, value) {
      return db.write([{ table: TABLE_ID, key, kind: 'put', row: [value] }]);
    },
    get(key) {
      const row = db.get(TABLE_ID, key);
      return row === undefined ? undefined : row[0];
    },
    async scan(lower, count) {
      let n = 0;
      for (const _ of db.scan(TABLE_ID, { lower })) {
        if (++n >= count) break;
      }
      return n;
    },
    stats() {
      return typeof db.stats === 'function' ? db.stats() : db.stats;
    },
    close() {
      return db.close();
    },
  };
}

export const OPENERS = { leveldb: openLevel, pyralog: openPyralog };
