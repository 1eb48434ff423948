// LsmDb.beginPublishIngest: a bulk load into a table others can see, published at its
// transaction's commit with a file-level seq (db/publish.ts, MVCC.md "Published ingest").
import { describe, it, expect } from 'vitest';
import { LsmDb, LsmError, MemIo, Txn, encodeKey, type Row } from '../../../lsm/index.js';

const k = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const open = (io: MemIo, extra: Partial<Parameters<typeof LsmDb.open>[0]> = {}) =>
  LsmDb.open({ dir: '/db', io, workers: 0, compaction: { targetFileBytes: 4096, auto: false }, ...extra });
const segs = async (io: MemIo) => (await io.list('/db')).filter((n) => n.startsWith('seg-')).sort();
const row = (i: number, tag = 'copy'): Row => [BigInt(i), `${tag} ${i}`.padEnd(40)];
const TABLE = 7;

/** Loads keys `from..to-1` through a published ingest of a fresh transaction; returns it open
 *  (closed = validated, not committed). */
async function load(db: LsmDb, keys: number[], opts: { close?: boolean } = {}) {
  const txn = db.begin({ isolation: 'read-committed' });
  const pi = db.beginPublishIngest(txn, TABLE);
  for (const i of keys) {
    expect(pi.add(k(i), row(i))).toBe('ok');
    if (pi.full) await pi.drain();
  }
  let dup = -1;
  if (opts.close !== false) dup = await pi.close((key, o) => txn.lockRow(TABLE, key, o), {});
  return { txn, pi, dup };
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

describe('published ingest', () => {
  it('publishes at commit with a file-level seq: older snapshots do not see the rows, newer ones do; reopen and compaction keep that', async () => {
    const io = new MemIo(1);
    let db = await open(io, { compaction: { targetFileBytes: 4096, auto: false, l0FileTrigger: 1 } });
    // Old rows at both ends of the load's range: the compaction below must merge its files.
    await db.write([...range(0, 99), 5000].map((i) => ({ table: TABLE, key: k(i), kind: 'put' as const, row: row(i, 'old') })));
    await db.flush();
    await db.compactNow();
    const before = db.snapshot();
    const { txn, dup } = await load(db, range(1000, 4000));
    expect(dup).toBe(-1);
    expect(db.get(TABLE, k(1500))).toBeUndefined(); // not published yet
    const seq = await txn.commit();
    expect(seq).toBe(db.lastVisibleSeq);
    expect(db.get(TABLE, k(1500))).toEqual(row(1500));
    expect(db.get(TABLE, k(1500), before)).toBeUndefined();
    expect([...db.scan(TABLE, { snapshot: before })].length).toBe(100);
    expect([...db.scan(TABLE)].length).toBe(3100);
    const files = (db as unknown as { manifest: { current(): { allFiles(): { fileSeq?: bigint; level: number; largestSeq: bigint }[] } } }).manifest.current().allFiles().filter((f) => f.fileSeq !== undefined);
    expect(files.length).toBeGreaterThan(3);
    expect(files.every((f) => f.fileSeq === seq && f.level === 0 && f.largestSeq === seq)).toBe(true);
    // The vector scan path reads the same visibility.
    const countParts = (seq: bigint): number => {
      let n = 0;
      for (const p of db.scanPartsAt(TABLE, {}, seq, { columns: [{ column: 0, encodings: ['i64'] }] })) {
        if (p.kind === 'vectors') n += p.batch.count;
        else for (let r = p.rows.next(); !r.done; r = p.rows.next()) n++;
      }
      return n;
    };
    const rows = countParts(before.seq);
    expect(countParts(db.lastVisibleSeq)).toBe(3100);
    expect(rows).toBe(100);
    // Compaction with the old snapshot alive keeps the rows invisible to it.
    await db.compactNow();
    expect((db as unknown as { manifest: { current(): { allFiles(): { fileSeq?: bigint }[] } } }).manifest.current().allFiles().some((f) => f.fileSeq !== undefined)).toBe(false);
    expect(db.get(TABLE, k(1500), before)).toBeUndefined();
    expect([...db.scan(TABLE, { snapshot: before })].length).toBe(100);
    expect([...db.scan(TABLE)].length).toBe(3100);
    before.release();
    // Later commits are newer than the published rows.
    await db.write([{ table: TABLE, key: k(1001), kind: 'del', row: undefined }]);
    await db.close();
    db = await open(io);
    expect(db.lastVisibleSeq).toBeGreaterThan(seq!);
    expect(db.get(TABLE, k(1001))).toBeUndefined();
    expect(db.get(TABLE, k(3999))).toEqual(row(3999));
    expect([...db.scan(TABLE)].length).toBe(3099);
    await db.close();
  });

  it('into a table without segment files: the deepest level; a reopen reads the file-level seq from the manifest', async () => {
    const io = new MemIo(2);
    let db = await open(io);
    const { txn } = await load(db, range(0, 2000));
    const seq = await txn.commit();
    // A table without segment files: the files go to the deepest level (no level-0 debt).
    const levels = db.stats().levelBytes;
    expect(levels.slice(0, -1).every((b) => b === 0)).toBe(true);
    expect(levels.at(-1)).toBeGreaterThan(0);
    // A second load past the largest key fits at the bottom too; one overlapping a file there
    // goes one level up, and the rows read in order either way.
    const more = await load(db, range(1000, 1501).map((i) => i * 10));
    await more.txn.commit();
    const interleaved = await load(db, [10001, 10002, 10003]);
    const last = await interleaved.txn.commit();
    expect(last! > seq!).toBe(true);
    const files = (db as unknown as { manifest: { current(): { allFiles(): { fileSeq?: bigint; level: number; smallestKey: Uint8Array }[] } } }).manifest.current().allFiles();
    expect(files.filter((f) => f.level === 6).length).toBeGreaterThan(1);
    expect(files.filter((f) => f.level === 5).length).toBe(1);
    expect([...db.scan(TABLE, { lower: k(10000), upper: k(10011) })].map((r) => r.row[0])).toEqual([10000n, 10001n, 10002n, 10003n, 10010n]);
    expect([...db.scan(TABLE)].length).toBe(2000 + 501 + 3);
    await db.close();
    db = await open(io);
    expect(db.lastVisibleSeq).toBe(last);
    expect(db.get(TABLE, k(7))).toEqual(row(7));
    // A commit after the reopen gets a higher seq and wins over the ingested version.
    await db.write([{ table: TABLE, key: k(7), kind: 'put', row: row(7, 'new') }]);
    expect(db.get(TABLE, k(7))).toEqual(row(7, 'new'));
    await db.flush();
    expect(db.get(TABLE, k(7))).toEqual(row(7, 'new'));
    await db.close();
  });

  it('a tombstone in a memtable for an ingested key is flushed before the publish (it would hide the row)', async () => {
    const io = new MemIo(3);
    const db = await open(io);
    await db.write([{ table: TABLE, key: k(5), kind: 'put', row: row(5, 'old') }]);
    await db.flush();
    await db.write([{ table: TABLE, key: k(5), kind: 'del', row: undefined }]);
    const { txn, dup } = await load(db, range(0, 10));
    expect(dup).toBe(-1);
    await txn.commit();
    expect(db.get(TABLE, k(5))).toEqual(row(5));
    expect([...db.scan(TABLE)].map((r) => r.row[0])).toEqual(range(0, 10).map(BigInt));
    expect(db.stats().immutableMemtables).toBe(0);
    await db.close();
  });

  it('a key with a live committed version is a duplicate (its index); key ranges that meet nothing need no lookups', async () => {
    const io = new MemIo(4);
    const db = await open(io);
    await db.write([{ table: TABLE, key: k(50), kind: 'put', row: row(50, 'old') }]);
    const a = await load(db, range(0, 100));
    expect(a.dup).toBe(50);
    a.txn.rollback();
    await new Promise((r) => setTimeout(r, 10));
    expect((await segs(io)).length).toBe(0);
    expect(db.get(TABLE, k(1))).toBeUndefined();
    const b = await load(db, range(51, 100));
    expect(b.dup).toBe(-1);
    await b.txn.commit();
    expect([...db.scan(TABLE)].length).toBe(50);
    await db.close();
  });

  it('crash before the commit: orphans removed, nothing committed; crash after: every row', async () => {
    const io = new MemIo(5);
    const db = await open(io);
    await load(db, range(0, 3000));
    expect((await segs(io)).length).toBeGreaterThan(2);
    const io2 = io.crash();
    db.abandon();
    const db2 = await open(io2);
    expect([...db2.scan(TABLE)].length).toBe(0);
    expect((await segs(io2)).length).toBe(0);
    const { txn } = await load(db2, range(0, 3000));
    await txn.commit();
    const io3 = io2.crash();
    db2.abandon();
    const db3 = await open(io3);
    expect([...db3.scan(TABLE)].length).toBe(3000);
    await db3.close();
  });

  it('the bulk hold: a writer of a taken key waits until the commit and then sees the row; other keys are free', async () => {
    const io = new MemIo(6);
    const db = await open(io);
    const { txn, pi } = await load(db, [1, 3, 5], { close: false });
    const w = db.begin({ isolation: 'read-committed' });
    expect(w.tryLockRow(Txn.keyOf(TABLE, k(2)))).toBe(true); // not taken: exact membership
    expect(w.tryLockRow(Txn.keyOf(TABLE, k(3)))).toBe(false);
    let granted = false;
    const wait = w.lockRow(TABLE, k(3)).then(() => (granted = true));
    expect(await pi.close((key, o) => txn.lockRow(TABLE, key, o), {})).toBe(-1);
    await new Promise((r) => setTimeout(r, 5));
    expect(granted).toBe(false);
    await txn.commit();
    await wait;
    expect(w.getLatestCommitted(TABLE, k(3))?.row).toEqual(row(3));
    w.rollback();
    await db.close();
  });

  it('a writer that locked a key before the load took it is waited for at close: its commit makes the load a duplicate', async () => {
    const io = new MemIo(7);
    const db = await open(io);
    const w = db.begin({ isolation: 'read-committed' });
    await w.lockRow(TABLE, k(3));
    const { txn, pi } = await load(db, [1, 3, 5], { close: false });
    const closing = pi.close((key, o) => txn.lockRow(TABLE, key, o), {});
    await new Promise((r) => setTimeout(r, 5));
    w.put(TABLE, k(3), row(3, 'writer'));
    await w.commit();
    expect(await closing).toBe(1);
    txn.rollback();
    expect(db.get(TABLE, k(3))).toEqual(row(3, 'writer'));
    expect(db.get(TABLE, k(1))).toBeUndefined();
    await db.close();
  });

  it('two loads with common keys: the one that took them later waits at close for the other, then sees its rows as duplicates', async () => {
    const io = new MemIo(13);
    const db = await open(io);
    const a = await load(db, range(1, 101), { close: false });
    const b = await load(db, range(50, 151), { close: false });
    const locks = (db as unknown as { locks: { isWaiting(t: number): boolean } }).locks;
    // A took the common keys first. B closes while A is still loading: it waits for A.
    const bClosing = b.pi.close((key, o) => b.txn.lockRow(TABLE, key, o), {});
    while (!locks.isWaiting(b.txn.id)) await new Promise((r) => setTimeout(r, 1));
    // A does not wait for B (B took them later).
    expect(await a.pi.close((key, o) => a.txn.lockRow(TABLE, key, o), {})).toBe(-1);
    await a.txn.commit();
    expect(await bClosing).toBe(0); // key 50, B's first, is A's now
    b.txn.rollback();
    expect([...db.scan(TABLE)].map((r) => Number(r.row[0]))).toEqual(range(1, 101));
    // Disjoint key sets do not wait for each other.
    const c = await load(db, range(200, 300), { close: false });
    const d = await load(db, range(300, 400), { close: false });
    expect(await d.pi.close((key, o) => d.txn.lockRow(TABLE, key, o), {})).toBe(-1);
    expect(await c.pi.close((key, o) => c.txn.lockRow(TABLE, key, o), {})).toBe(-1);
    await d.txn.commit();
    await c.txn.commit();
    expect([...db.scan(TABLE)].length).toBe(300);
    await db.close();
  });

  it('an abort while close waits for a writer: close fails (25P02), never reports a validated load', async () => {
    const io = new MemIo(12);
    const db = await open(io);
    const w = db.begin({ isolation: 'read-committed' });
    await w.lockRow(TABLE, k(3));
    const { txn, pi } = await load(db, [1, 3, 5], { close: false });
    const closing = pi.close((key, o) => txn.lockRow(TABLE, key, o), {}).then(() => 'closed', (e: LsmError) => e.code);
    // Until close() waits for the writer's lock (its files are written by then).
    const locks = (db as unknown as { locks: { isWaiting(t: number): boolean } }).locks;
    while (!locks.isWaiting(txn.id)) await new Promise((r) => setTimeout(r, 1));
    await pi.abort();
    w.rollback();
    expect(await closing).toBe('25P02');
    expect(pi.active).toBe(false);
    txn.rollback();
    expect((await segs(io)).length).toBe(0);
    await db.close();
  });

  it('deadlock between the load and a writer holding one of its keys: 40P01 for the load at close', async () => {
    const io = new MemIo(8);
    const db = await open(io);
    const w = db.begin({ isolation: 'read-committed' });
    await w.lockRow(TABLE, k(5));
    const { txn, pi } = await load(db, [1, 3, 5], { close: false });
    const writerWait = w.lockRow(TABLE, k(1)).then(() => 'granted', (e: LsmError) => e.code);
    const e = await pi.close((key, o) => txn.lockRow(TABLE, key, o), {}).then(() => undefined, (x: LsmError) => x);
    expect(e?.code).toBe('40P01');
    txn.rollback();
    expect(await writerWait).toBe('granted');
    w.rollback();
    await db.close();
  });

  it('a later use of the transaction moves the rows into its write set: read-your-own-writes, commit through the WAL', async () => {
    const io = new MemIo(9);
    let db = await open(io);
    const { txn } = await load(db, range(0, 500));
    expect(txn.writeCount).toBe(500);
    expect(txn.get(TABLE, k(10))).toEqual(row(10));
    expect([...txn.scan(TABLE)].length).toBe(500);
    await new Promise((r) => setTimeout(r, 10));
    expect((await segs(io)).length).toBe(0);
    await txn.commit();
    expect([...db.scan(TABLE)].length).toBe(500);
    await db.close();
    db = await open(io);
    expect([...db.scan(TABLE)].length).toBe(500);
    await db.close();
  });

  it('commits racing a publish get distinct seqs and all end visible', async () => {
    const io = new MemIo(10);
    const db = await open(io);
    const { txn } = await load(db, range(0, 100));
    const other = db.write([{ table: 9, key: k(1), kind: 'put', row: ['x'] }]);
    const pub = txn.commit();
    const after = db.write([{ table: 9, key: k(2), kind: 'put', row: ['y'] }]);
    const [s1, s2, s3] = await Promise.all([other, pub, after]);
    expect(new Set([s1, s2, s3]).size).toBe(3);
    expect(db.lastVisibleSeq).toBe([s1!, s2!, s3!].reduce((a, b) => (a > b ? a : b)));
    expect(db.get(9, k(1))).toEqual(['x']);
    expect(db.get(9, k(2))).toEqual(['y']);
    expect(db.get(TABLE, k(99))).toEqual(row(99));
    await db.close();
  });
});

describe('published ingest and level 0', () => {
  it('files published to level 0 (the table had files) get compacted: later commits do not stall behind them', async () => {
    const io = new MemIo(11);
    // Small files: many level-0 files from one load, past the stop trigger.
    const db = await LsmDb.open({ dir: '/db', io, workers: 0, compaction: { targetFileBytes: 2048, l0StopTrigger: 4, l0SlowdownTrigger: 3, l0FileTrigger: 2 } });
    // Old rows around the load's range: its files overlap the flushed file, so level 0.
    await db.write([{ table: TABLE, key: k(0), kind: 'put', row: row(0, 'old') }, { table: TABLE, key: k(5000), kind: 'put', row: row(5000, 'old') }]);
    await db.flush();
    const { txn } = await load(db, range(10, 3000));
    await txn.commit();
    // Without a compaction kick after the publish this write would wait forever.
    const seq = await db.write([{ table: 9, key: k(1), kind: 'put', row: ['after'] }]);
    expect(seq).toBeGreaterThan(0n);
    expect([...db.scan(TABLE)].length).toBe(2992);
    await db.close();
  });
});
