// A prepared primary-key lookup (pgbench's SELECT) over every place a version can live: a key
// only in a segment file, only in the memtable, updated or deleted in the memtable over a
// segment row, and changed after a REPEATABLE READ snapshot (the memtable's newest version is
// then above the snapshot: lsm/memtable's index must fall back to the older version, in the
// memtable or in the segment). Keys absent between present ones exercise the segment search
// without the bloom filter once a batch is loaded (lsm/segment/reader.ts getHashed). The
// expected answers follow from PostgreSQL's snapshot rules; each is also asked as a simple query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { Engine } from '../../../planner/api.js';
import { makeContext, makeEngine, pgClient } from '../../wire/harness.js';

let engine: Engine;
let a: pg.Client;
let b: pg.Client;
const LOOKUP = { name: 'lookup', text: 'SELECT abalance FROM acc WHERE aid = $1' };

/** abalance of aid through the prepared statement and through a simple query (same answer). */
async function balance(c: pg.Client, aid: number): Promise<number | null | 'none'> {
  const p = await c.query({ ...LOOKUP, values: [String(aid)] });
  const s = await c.query(`SELECT abalance FROM acc WHERE aid = ${aid}`);
  const pv = p.rows.length === 0 ? 'none' : (p.rows[0].abalance as number | null);
  const sv = s.rows.length === 0 ? 'none' : (s.rows[0].abalance as number | null);
  expect(sv).toBe(pv);
  return pv;
}

/** The answers once the second session's changes are committed (memtable or flushed alike). */
async function expectCommitted(c: pg.Client): Promise<void> {
  expect(await balance(c, 31)).toBe(999);
  expect(await balance(c, 41)).toBe('none');
  expect(await balance(c, 8000)).toBe(80000);
  expect(await balance(c, 7000)).toBe(77);
  expect(await balance(c, 11)).toBe(-2);
  expect(await balance(c, 21)).toBe(210);
}

beforeAll(async () => {
  engine = await makeEngine();
  const ctx = makeContext(engine);
  a = pgClient(ctx).client;
  b = pgClient(ctx).client;
  await a.connect();
  await b.connect();
  await a.query("CREATE TABLE acc (aid int PRIMARY KEY, bid int, abalance int, filler char(84))");
  // Odd aids 1..5999 (the even ones are absent between present keys), abalance = aid * 10.
  for (let lo = 1; lo < 6000; lo += 1000) {
    const vals: string[] = [];
    for (let aid = lo; aid < lo + 1000; aid += 2) vals.push(`(${aid}, 1, ${aid * 10}, 'x')`);
    await a.query(`INSERT INTO acc VALUES ${vals.join(',')}`);
  }
  await a.query('CHECKPOINT'); // every row now in a segment file
  await a.query('INSERT INTO acc VALUES (7000, 1, 70000, NULL), (7002, 1, NULL, NULL)'); // memtable only
  await a.query('UPDATE acc SET abalance = -1 WHERE aid = 11'); // memtable version over a segment row
  await a.query('DELETE FROM acc WHERE aid = 21'); // tombstone over a segment row
});

afterAll(async () => {
  await a.end();
  await b.end();
  await engine.close();
});

describe('prepared point lookups over memtable and segment versions', () => {
  it('read each source and the absent keys between present ones', async () => {
    expect(await balance(b, 1)).toBe(10);
    expect(await balance(b, 5999)).toBe(59990);
    expect(await balance(b, 2)).toBe('none');
    expect(await balance(b, 3000)).toBe('none');
    expect(await balance(b, 6001)).toBe('none');
    expect(await balance(b, 0)).toBe('none');
    expect(await balance(b, -3)).toBe('none');
    expect(await balance(b, 7000)).toBe(70000);
    expect(await balance(b, 7002)).toBe(null);
    expect(await balance(b, 7001)).toBe('none');
    expect(await balance(b, 11)).toBe(-1);
    expect(await balance(b, 21)).toBe('none');
    // Every odd key once more, now that the segment's batches are loaded (search without bloom).
    for (let aid = 1; aid < 6000; aid += 2) {
      const want = aid === 11 ? -1 : aid === 21 ? 'none' : aid * 10;
      const r = await b.query({ ...LOOKUP, values: [String(aid)] });
      expect(r.rows.length === 0 ? 'none' : r.rows[0].abalance).toBe(want);
      const gap = await b.query({ ...LOOKUP, values: [String(aid + 1)] });
      expect(gap.rows.length).toBe(0);
    }
  });

  it('a REPEATABLE READ snapshot reads the versions older than the memtable newest ones', async () => {
    await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect(await balance(b, 31)).toBe(310); // takes the snapshot
    await a.query('UPDATE acc SET abalance = 999 WHERE aid = 31'); // segment row, newer in memtable
    await a.query('DELETE FROM acc WHERE aid = 41');
    await a.query('INSERT INTO acc VALUES (8000, 1, 80000, NULL)');
    await a.query('UPDATE acc SET abalance = 77 WHERE aid = 7000'); // memtable over memtable
    await a.query('UPDATE acc SET abalance = -2 WHERE aid = 11'); // a third version of aid 11
    await a.query('INSERT INTO acc VALUES (21, 1, 210, NULL)'); // re-inserted after its delete
    expect(await balance(b, 31)).toBe(310);
    expect(await balance(b, 41)).toBe(410);
    expect(await balance(b, 8000)).toBe('none');
    expect(await balance(b, 7000)).toBe(70000);
    expect(await balance(b, 11)).toBe(-1);
    expect(await balance(b, 21)).toBe('none');
    await b.query('COMMIT');
    await expectCommitted(b);
  });

  it('the same answers once those versions are flushed too (overlapping segment files)', async () => {
    await a.query('CHECKPOINT');
    await expectCommitted(b);
    expect(await balance(b, 5999)).toBe(59990);
    expect(await balance(b, 5998)).toBe('none');
  });

  it('a point get decodes only the columns the statement names, by their attnums (a dropped column before them)', async () => {
    // The lookup passes the statement's columns down to the segment read (the others come back
    // NULL from a segment, whole from the memtable): each column below must come from its own
    // attnum whichever source holds the row, in the select list and in WHERE.
    await a.query('CREATE TABLE proj (id int PRIMARY KEY, gone text, x int, y text, z int)');
    await a.query("INSERT INTO proj VALUES (1, 'g', 10, 'one', 100), (2, 'g', 20, 'two', 200)");
    await a.query('ALTER TABLE proj DROP COLUMN gone');
    await a.query('CHECKPOINT');
    await a.query("INSERT INTO proj VALUES (3, 30, 'three', 300)"); // memtable only
    for (const id of [1, 2, 3]) {
      const q = { name: 'proj-y', text: 'SELECT y FROM proj WHERE id = $1', values: [id] };
      expect((await b.query(q)).rows).toEqual([{ y: ['one', 'two', 'three'][id - 1] }]);
      expect((await b.query(`SELECT z, x FROM proj WHERE id = ${id}`)).rows).toEqual([{ z: id * 100, x: id * 10 }]);
      expect((await b.query(`SELECT y FROM proj WHERE id = ${id} AND z = ${id * 100}`)).rows).toEqual([{ y: ['one', 'two', 'three'][id - 1] }]);
      expect((await b.query(`SELECT y FROM proj WHERE id = ${id} AND z = 0`)).rows).toEqual([]);
      expect((await b.query(`SELECT * FROM proj WHERE id = ${id}`)).rows).toEqual([{ id, x: id * 10, y: ['one', 'two', 'three'][id - 1], z: id * 100 }]);
    }
  });

  it('parameter errors are PostgreSQL 15\'s', async () => {
    await expect(b.query({ ...LOOKUP, values: ['2147483648'] })).rejects.toMatchObject({ code: '22003', message: 'value "2147483648" is out of range for type integer' });
    await expect(b.query({ ...LOOKUP, values: ['1.5'] })).rejects.toMatchObject({ code: '22P02', message: 'invalid input syntax for type integer: "1.5"' });
    expect((await b.query({ ...LOOKUP, values: [null] })).rows).toEqual([]);
  });
});
