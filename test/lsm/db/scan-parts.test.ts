// LsmDb.scanPartsAt (db/reads.ts scanParts) against scanAt: random workloads of ascending loads
// (disjoint sources), overwrites and deletions (overlapping sources, several versions per key),
// flushed into many level-0 files and then compacted, read at held snapshots, full and bounded.
// Vector parts and rows parts together must give scanAt's rows in its order; the vector path
// must be taken where a segment stands alone (vectorStats), and never for a column stored in an
// encoding the consumer did not ask for.
import { describe, expect, it } from 'vitest';
import { LsmDb, MemIo, Prng, encodeKey, type Cell, type Row, type ScanOptions, type Seq, type VectorRequest } from '../../../lsm/index.js';

const key = (n: number) => encodeKey([{ type: 'int8' }], [BigInt(n)]);
const REQ: VectorRequest = { columns: [{ column: 0, encodings: ['i64'] }, { column: 1, encodings: ['utf8'] }, { column: 2, encodings: ['f64'] }] };

const show = (row: readonly Cell[]): string => JSON.stringify(row.map((c) => (typeof c === 'bigint' ? `${c}n` : c)));

function partsRows(db: LsmDb, o: ScanOptions, seq: Seq, req: VectorRequest): string[] {
  const out: string[] = [];
  for (const part of db.scanPartsAt(1, o, seq, req)) {
    if (part.kind === 'rows') {
      for (let r = part.rows.next(); !r.done; r = part.rows.next()) out.push(show(r.value.row));
      continue;
    }
    const vb = part.batch;
    for (let i = 0; i < vb.count; i++) out.push(show([0, 1, 2].map((c) => vb.cell(c, vb.sel[i]!))));
  }
  return out;
}

function check(db: LsmDb, seq: Seq, rand: Prng): void {
  const want = (o: ScanOptions) => [...db.scanAt(1, o, seq)].map((r) => show(r.row));
  expect(partsRows(db, {}, seq, REQ)).toEqual(want({}));
  for (let i = 0; i < 3; i++) {
    const lo = rand.int(1200);
    const hi = lo + 1 + rand.int(400);
    const o = { lower: key(lo), upper: key(hi) };
    expect(partsRows(db, o, seq, REQ)).toEqual(want(o));
  }
  // A consumer that reads column 1 as f64 only: every segment is read as rows.
  const before = db.vectorStats.vectorParts;
  expect(partsRows(db, {}, seq, { columns: [{ column: 1, encodings: ['f64'] }] })).toEqual(want({}));
  expect(db.vectorStats.vectorParts).toBe(before);
}

describe('scanPartsAt = scanAt', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`at held snapshots (seed ${seed})`, async () => {
      const rand = new Prng(seed);
      const db = await LsmDb.open({ dir: '/db', io: new MemIo(seed), workers: 0, memtableBytesMax: 8 * 1024, compaction: { auto: false } });
      const held: Seq[] = [];
      const snaps = [];
      let next = 0;
      for (let round = 0; round < 12; round++) {
        if (rand.int(3) === 0 || next === 0) {
          const n = 20 + rand.int(130);
          for (let i = 0; i < n; i += 10) {
            const ops = [];
            for (let j = i; j < Math.min(n, i + 10); j++, next++) ops.push({ table: 1, key: key(next), kind: 'put' as const, row: [BigInt(next), `v${next}`, next % 3 === 0 ? null : next * 1.5] as Row });
            await db.write(ops);
          }
        } else {
          for (let i = 0; i < 30; i++) {
            const k = rand.int(next);
            if (rand.int(4) === 0) await db.write([{ table: 1, key: key(k), kind: 'del', row: undefined }]);
            else await db.write([{ table: 1, key: key(k), kind: 'put', row: [BigInt(k), `w${k}.${round}`, round] }]);
          }
        }
        if (rand.int(2) === 0) await db.flush();
        if (rand.int(3) === 0) {
          const s = db.snapshot();
          snaps.push(s);
          held.push(s.seq);
        }
        check(db, db.lastVisibleSeq, rand);
      }
      for (const s of held) check(db, s, rand);
      await db.flush();
      await db.compactNow();
      const vectors = db.vectorStats.vectorRows;
      check(db, db.lastVisibleSeq, rand);
      for (const s of held) check(db, s, rand);
      expect(db.vectorStats.vectorRows).toBeGreaterThan(vectors);
      for (const s of snaps) s.release();
      await db.close();
    });
  }
});
