// ALTER TABLE ADD PRIMARY KEY through the real engine: the ingest path (rows already in key
// order become bottom-level segment files, no write set), the write-set path (keys out of
// order), PostgreSQL 15's errors and their order (checked against it: duplicates among non-NULL
// keys first, then NULLs), transactional DDL (ROLLBACK, REPEATABLE READ, reads in the same
// transaction), and the old storage reclaimed by whole files after commit.
import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from '../../sql/harness.js';
import { lsmOf as lsm } from '../../sql/engine-fixtures.js';
import type { Engine } from '../../../planner/api.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

async function setup(rows: string): Promise<Client> {
  ({ engine } = await openEngine());
  const c = Client.open(engine);
  await c.query('CREATE TABLE a (aid int, bid int, abalance int, filler char(84)) WITH (fillfactor=100)');
  await c.query(`INSERT INTO a ${rows}`);
  return c;
}

describe('ALTER TABLE ADD PRIMARY KEY', () => {
  it('rows loaded in key order are ingested as bottom-level files; the result reads and updates like any table', async () => {
    const c = await setup("SELECT g, 1 + g / 1000, 0, '' FROM generate_series(1, 5000) g");
    const db = lsm(engine!);
    const walBefore = db.stats().walBytes;
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    // The 5 000 rewritten rows went to segment files, not through the WAL.
    expect(db.stats().walBytes - walBefore).toBeLessThan(50_000);
    const levels = db.stats().levelBytes;
    expect(levels.at(-1)).toBeGreaterThan(0);
    expect((await c.query('SELECT count(*), min(aid), max(aid), sum(bid) FROM a')).text).toEqual([['5000', '1', '5000', String(Array.from({ length: 5000 }, (_, i) => 1 + Math.floor((i + 1) / 1000)).reduce((x, y) => x + y))]]);
    expect((await c.query('SELECT aid, bid FROM a WHERE aid = 4321')).text).toEqual([['4321', '5']]);
    await c.query('UPDATE a SET abalance = abalance + 7 WHERE aid = 4321');
    expect((await c.query('SELECT abalance FROM a WHERE aid = 4321')).text).toEqual([['7']]);
    const e = await c.error('INSERT INTO a VALUES (17, 1, 0)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "a_pkey"', 'Key (aid)=(17) already exists.']);
    expect((await c.error('INSERT INTO a VALUES (NULL, 1, 0)')).message).toBe('null value in column "aid" of relation "a" violates not-null constraint');
  });

  it('keys out of order take the write-set path with the same result', async () => {
    const c = await setup("SELECT 5001 - g, 1, 0, 'x' FROM generate_series(1, 3000) g");
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    expect((await c.query('SELECT aid FROM a ORDER BY aid LIMIT 2')).text).toEqual([['2001'], ['2002']]);
    expect((await c.query('SELECT count(*) FROM a')).text).toEqual([['3000']]);
  });

  it("errors as PostgreSQL 15: duplicates first (also after a NULL), then NULLs; the table is left as it was", async () => {
    let c = await setup("VALUES (1, 1, 0, 'a'), (2, 1, 0, 'b'), (2, 1, 0, 'c'), (3, 1, 0, 'd')");
    let e = await c.error('ALTER TABLE a ADD PRIMARY KEY (aid)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'could not create unique index "a_pkey"', 'Key (aid)=(2) is duplicated.']);
    await c.query("INSERT INTO a VALUES (2, 1, 0, 'again')");
    expect((await c.query('SELECT count(*) FROM a WHERE aid = 2')).text).toEqual([['3']]);
    await engine!.close();
    c = await setup("VALUES (NULL, 1, 0, 'n'), (1, 1, 0, 'a'), (1, 1, 0, 'b')");
    e = await c.error('ALTER TABLE a ADD PRIMARY KEY (aid)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'could not create unique index "a_pkey"', 'Key (aid)=(1) is duplicated.']);
    await c.query('CREATE TABLE f (a int, b text, c int)');
    await c.query("INSERT INTO f VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3), (1, 'x', 4)");
    e = await c.error('ALTER TABLE f ADD PRIMARY KEY (a, b)');
    expect([e.code, e.message, e.fields.detail]).toEqual(['23505', 'could not create unique index "f_pkey"', 'Key (a, b)=(1, x) is duplicated.']);
    await c.query("CREATE TABLE n (x int, y int); INSERT INTO n VALUES (1, 1), (2, NULL), (3, 3)");
    e = await c.error('ALTER TABLE n ADD PRIMARY KEY (y, x)');
    expect([e.code, e.message]).toEqual(['23502', 'column "y" of relation "n" contains null values']);
    await c.query('INSERT INTO n VALUES (1, 1)');
    expect((await c.query('SELECT count(*) FROM n')).text).toEqual([['4']]);
  });

  it('is transactional: visible inside the transaction (also REPEATABLE READ), gone after ROLLBACK', async () => {
    const c = await setup("SELECT g, 1, 0, '' FROM generate_series(1, 2000) g");
    await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    expect((await c.query('SELECT count(*) FROM a')).text).toEqual([['2000']]);
    expect((await c.error('INSERT INTO a VALUES (5, 1, 0)')).code).toBe('23505');
    await c.query('ROLLBACK');
    await c.query('INSERT INTO a VALUES (5, 1, 0)');
    expect((await c.query('SELECT count(*) FROM a WHERE aid = 5')).text).toEqual([['2']]);
    await c.query('DELETE FROM a WHERE aid = 5 AND filler IS NULL');
    await c.query('BEGIN');
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    await c.query('UPDATE a SET abalance = 9 WHERE aid = 10');
    await c.query('COMMIT');
    expect((await c.query('SELECT abalance, count(*) OVER () FROM a WHERE aid = 10')).text).toEqual([['9', '1']]);
    expect((await c.query('SELECT count(*) FROM a')).text).toEqual([['2000']]);
  });

  it('after a restart: a committed ADD PRIMARY KEY is there, one left open when the server stopped is not', async () => {
    let c = await setup("SELECT g, 1, 0, '' FROM generate_series(1, 3000) g");
    await c.query("CREATE TABLE b (x int, y text); INSERT INTO b SELECT g, 'b' FROM generate_series(1, 3000) g");
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    await c.query('BEGIN');
    await c.query('ALTER TABLE b ADD PRIMARY KEY (x)');
    expect((await c.query('SELECT count(*) FROM b WHERE x = 7')).text).toEqual([['1']]);
    const dir = (lsm(engine!) as unknown as { dir: string }).dir.replace(/\/lsm$/, '');
    await engine!.close(); // the open transaction ends without a commit
    ({ engine } = await openEngine(dir));
    c = Client.open(engine);
    expect((await c.error('INSERT INTO a VALUES (7, 1, 0)')).code).toBe('23505');
    await c.query("INSERT INTO b VALUES (7, 'again')");
    expect((await c.query('SELECT count(*) FROM b WHERE x = 7')).text).toEqual([['2']]);
    expect((await c.query('SELECT count(*), sum(aid) FROM a')).text).toEqual([['3000', '4501500']]);
  });

  it('the old storage is reclaimed after commit by dropping its files, not a tombstone per row', async () => {
    const c = await setup("SELECT g, 1, 0, '' FROM generate_series(1, 20000) g");
    const db = lsm(engine!);
    await db.flush();
    const oldBytes = db.stats().segmentBytes;
    await c.query('ALTER TABLE a ADD PRIMARY KEY (aid)');
    // reclaimStorage runs in the background after the commit: wait for the old files to go.
    for (let i = 0; i < 200 && db.stats().segmentBytes > oldBytes * 1.5; i++) await new Promise((r) => setTimeout(r, 25));
    expect(db.stats().segmentBytes).toBeLessThan(oldBytes * 1.5);
    expect(db.stats().memtableBytes).toBeLessThan(100_000);
    expect((await c.query('SELECT count(*) FROM a')).text).toEqual([['20000']]);
  });
});
