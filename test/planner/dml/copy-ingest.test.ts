// COPY FROM by segment ingest (planner/dml/copy-ingest.ts) against the real engine: which COPYs
// ingest (segment files appear at the end of the COPY, before any flush), and that every outcome
// — ascending, duplicate, unsorted fallback, rollback, savepoint, reopen — holds exactly the rows
// the row path would. Error texts are PostgreSQL 15's (taken with psql).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, Client } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';
import { createEngine } from '../../../planner/engine.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});


const copyIn = (c: Client, sql: string, data: Parameters<Client['copyIn']>[1]): Promise<string> => c.copyIn(sql, data);

const fail = (p: Promise<unknown>): Promise<DbError> => p.then(() => { throw new Error('expected an error'); }, (e: DbError) => e);
const segFiles = (dir: string): string[] => readdirSync(join(dir, 'lsm')).filter((n) => n.endsWith('.seg'));
const lines = (from: number, to: number, f = (i: number) => `${i}\t2024-01-01 00:00:${String(i % 60).padStart(2, '0')}+00\t${i * 7}\t${i}.5\tnote ${i}`): string =>
  Array.from({ length: to - from + 1 }, (_, k) => f(from + k) + '\n').join('');

const DDL = 'CREATE TABLE t (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)';

async function setup(): Promise<{ c: Client; dir: string }> {
  const o = await openEngine();
  engine = o.engine;
  const c = Client.open(engine);
  return { c, dir: o.dir };
}

describe('COPY FROM by ingest', () => {
  it('ingests ascending rows into a table created in the same transaction; they read back and commit', async () => {
    const { c, dir } = await setup();
    await c.query('BEGIN');
    await c.query(DDL);
    const before = segFiles(dir).length;
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 3000).slice(0, 777), lines(1, 3000).slice(777)])).toBe('COPY 3000');
    expect(segFiles(dir).length).toBeGreaterThan(before);
    // Visible to the transaction itself before COMMIT.
    expect((await c.query('SELECT count(*), sum(n), min(id), max(id) FROM t')).text).toEqual([['3000', String(7 * 3000 * 3001 / 2), '1', '3000']]);
    await c.query('COMMIT');
    expect((await c.query("SELECT id, ts, n, amount, note FROM t WHERE id = 42")).text).toEqual([['42', '2024-01-01 00:00:42+00', '294', '42.50', 'note 42']]);
    // The ingested rows are ordinary rows afterwards: a duplicate INSERT is refused, UPDATE works.
    expect((await fail(c.query('INSERT INTO t (id) VALUES (5)'))).message).toBe('duplicate key value violates unique constraint "t_pkey"');
    await c.query('UPDATE t SET note = \'x\' WHERE id = 5');
    expect((await c.query('SELECT note FROM t WHERE id = 5')).text).toEqual([['x']]);
  });

  it('TRUNCATE then COPY FREEZE in one transaction ingests; other sessions see the old rows until COMMIT', async () => {
    const { c, dir } = await setup();
    await c.query(DDL);
    await c.query("INSERT INTO t (id, note) VALUES (1, 'old'), (2, 'old')");
    const other = Client.open(engine!);
    await other.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    expect((await other.query('SELECT count(*) FROM t')).text).toEqual([['2']]);
    await c.query('BEGIN');
    await c.query('TRUNCATE t');
    const before = segFiles(dir).length;
    expect(await copyIn(c, 'COPY t FROM STDIN WITH (FREEZE)', [lines(1, 500)])).toBe('COPY 500');
    expect(segFiles(dir).length).toBeGreaterThan(before);
    expect((await other.query('SELECT count(*), max(note) FROM t')).text).toEqual([['2', 'old']]);
    await c.query('COMMIT');
    // The old snapshot still sees the table as it was; a new one sees the load.
    expect((await other.query('SELECT count(*), max(note) FROM t')).text).toEqual([['2', 'old']]);
    await other.query('COMMIT');
    expect((await other.query('SELECT count(*) FROM t')).text).toEqual([['500']]);
    await other.close();
  });

  it('writes to other tables first do not matter (pgbench 15 INSERTs branches and tellers before its COPY); an own write in the table does', async () => {
    const { c, dir } = await setup();
    await c.query('CREATE TABLE o (a int PRIMARY KEY)');
    await c.query('BEGIN');
    await c.query('INSERT INTO o VALUES (1), (2)');
    await c.query(DDL);
    let before = segFiles(dir).length;
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 100)])).toBe('COPY 100');
    expect(segFiles(dir).length).toBeGreaterThan(before);
    await c.query('COMMIT');
    // Inserted and deleted again in the same transaction: a deletion of its own, so no ingest.
    await c.query('BEGIN');
    await c.query('TRUNCATE t');
    await c.query('INSERT INTO t (id) VALUES (7)');
    await c.query('DELETE FROM t');
    before = segFiles(dir).length;
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 100)])).toBe('COPY 100');
    expect(segFiles(dir).length).toBe(before);
    await c.query('COMMIT');
    expect((await c.query('SELECT count(*), sum(id) FROM t')).text).toEqual([['100', '5050']]);
  });

  it('a duplicate key fails with 23505, PostgreSQL text and CONTEXT, and leaves nothing', async () => {
    const { c, dir } = await setup();
    await c.query('BEGIN');
    await c.query(DDL);
    const before = segFiles(dir).length;
    const e = await fail(copyIn(c, 'COPY t FROM STDIN', [lines(1, 2), '2\t\\N\t\\N\t\\N\tdup\n', lines(3, 4)]));
    expect(e.code).toBe('23505');
    expect(e.message).toBe('duplicate key value violates unique constraint "t_pkey"');
    expect(e.fields.detail).toBe('Key (id)=(2) already exists.');
    expect(e.fields.where).toBe('COPY t, line 3');
    expect(segFiles(dir).length).toBe(before);
    await c.query('ROLLBACK');
    expect((await fail(c.query('SELECT * FROM t'))).code).toBe('42P01');
  });

  it('rows out of order fall back to the row path without losing or doubling a row', async () => {
    const { c } = await setup();
    await c.query('BEGIN');
    await c.query(DDL);
    // Enough ascending rows to fill several ingest files first, then an older key, then more.
    const big = lines(1000, 60_000);
    const rows = [big.slice(0, 100_000), big.slice(100_000), lines(1, 999), lines(60_001, 60_010)];
    expect(await copyIn(c, 'COPY t FROM STDIN', rows)).toBe('COPY 60010');
    await c.query('COMMIT');
    expect((await c.query('SELECT count(*), count(DISTINCT id), min(id), max(id), sum(id) FROM t')).text).toEqual([['60010', '60010', '1', '60010', String(60010 * 60011 / 2)]]);
  });

  it('a duplicate after the fallback is found among the rows taken back from the ingest', async () => {
    const { c } = await setup();
    await c.query('BEGIN');
    await c.query(DDL);
    const e = await fail(copyIn(c, 'COPY t FROM STDIN', [lines(10, 20), lines(1, 1), lines(15, 15)]));
    expect(e.message).toBe('duplicate key value violates unique constraint "t_pkey"');
    expect(e.fields.detail).toBe('Key (id)=(15) already exists.');
    expect(e.fields.where).toBe('COPY t, line 13');
    await c.query('ROLLBACK');
  });

  it('ROLLBACK leaves nothing, and the orphaned storage is dropped at the next open', async () => {
    const { c, dir } = await setup();
    await c.query(DDL);
    await c.query('BEGIN');
    await c.query('TRUNCATE t');
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 2000)])).toBe('COPY 2000');
    const ingested = segFiles(dir);
    expect(ingested.length).toBeGreaterThan(0);
    await c.query('ROLLBACK');
    expect((await c.query('SELECT count(*) FROM t')).text).toEqual([['0']]);
    await c.close();
    await engine!.close();
    engine = await createEngine({ dataDir: dir });
    const c2 = Client.open(engine);
    expect((await c2.query('SELECT count(*) FROM t')).text).toEqual([['0']]);
    // The background drop removes the unreachable files.
    for (let i = 0; i < 200 && segFiles(dir).some((f) => ingested.includes(f)); i++) await new Promise((r) => setTimeout(r, 25));
    expect(segFiles(dir).filter((f) => ingested.includes(f))).toEqual([]);
  });

  it('committed rows survive a restart', async () => {
    const { c, dir } = await setup();
    await c.query('BEGIN');
    await c.query('CREATE TABLE h (a int, b text)');
    expect(await copyIn(c, 'COPY h FROM STDIN', ['1\tx\n2\ty\n', '3\t\\N\n'])).toBe('COPY 3');
    await c.query('COMMIT');
    await c.close();
    await engine!.close();
    engine = await createEngine({ dataDir: dir });
    const c2 = Client.open(engine);
    expect((await c2.query('SELECT a, b FROM h ORDER BY a')).text).toEqual([['1', 'x'], ['2', 'y'], ['3', null]]);
    // Hidden row ids continue after the ingested ones.
    await c2.query("INSERT INTO h VALUES (4, 'z')");
    expect((await c2.query('SELECT count(*) FROM h')).text).toEqual([['4']]);
  });

  it('ROLLBACK TO a savepoint before an ingesting COPY is refused (0A000), never leaves the rows', async () => {
    const { c } = await setup();
    await c.query('BEGIN');
    await c.query(DDL);
    await c.query('SAVEPOINT a');
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 10)])).toBe('COPY 10');
    expect((await fail(c.query('ROLLBACK TO SAVEPOINT a'))).code).toBe('0A000');
    await c.query('ROLLBACK');
  });

  it('a COPY into a table committed earlier: autocommit publishes segment files (published ingest), inside BEGIN the row path', async () => {
    const { c, dir } = await setup();
    await c.query(DDL);
    const before = segFiles(dir).length;
    await c.query('BEGIN');
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(1, 50)])).toBe('COPY 50');
    await c.query('COMMIT');
    expect(segFiles(dir).length).toBe(before);
    expect(await copyIn(c, 'COPY t FROM STDIN', [lines(51, 100)])).toBe('COPY 50');
    expect(segFiles(dir).length).toBeGreaterThan(before);
    expect((await c.query('SELECT count(*) FROM t')).text).toEqual([['100']]);
    // FREEZE needs a table created or truncated in the transaction, as in PostgreSQL 15.
    for (const sql of ['COPY t FROM STDIN (FREEZE)', 'COPY t FROM STDIN WITH (FREEZE true)']) {
      const e = await fail(copyIn(c, sql, [lines(101, 102)]));
      expect([e.code, e.message]).toEqual(['55000', 'cannot perform COPY FREEZE because the table was not created or truncated in the current subtransaction']);
    }
    expect(await copyIn(c, 'COPY t FROM STDIN (FREEZE false)', [lines(101, 102)])).toBe('COPY 2');
    await c.query('BEGIN');
    await c.query('CREATE TABLE u (a int UNIQUE)');
    expect(await copyIn(c, 'COPY u FROM STDIN (FREEZE)', ['1\n'])).toBe('COPY 1');
    await c.query('COMMIT');
  });

  it('serial defaults, csv and binary input ingest too; the sequence and row ids continue afterwards', async () => {
    const { c, dir } = await setup();
    await c.query('BEGIN');
    await c.query('CREATE TABLE s (id serial PRIMARY KEY, v text, w int DEFAULT 5)');
    await c.query('CREATE TABLE b (a int, v text)');
    const before = segFiles(dir).length;
    expect(await copyIn(c, 'COPY s (v) FROM STDIN (FORMAT csv)', ['"x, y"\n', 'z\n""\n\n'])).toBe('COPY 4');
    expect(segFiles(dir).length).toBeGreaterThan(before);
    // Binary: signature, flags, extension length, then tuples of (int4 a, text v); -1 = NULL.
    const tuple = (a: number, v: string | null): Buffer => {
      const fa = Buffer.alloc(8);
      fa.writeInt32BE(4, 0);
      fa.writeInt32BE(a, 4);
      const fv = v === null ? Buffer.from([0xff, 0xff, 0xff, 0xff]) : Buffer.concat([Buffer.from([0, 0, 0, Buffer.byteLength(v)]), Buffer.from(v)]);
      return Buffer.concat([Buffer.from([0, 2]), fa, fv]);
    };
    const bin = Buffer.concat([Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8), tuple(1, 'one'), tuple(2, null), Buffer.from([0xff, 0xff])]);
    const [st] = c.session.parse('COPY b FROM STDIN (FORMAT binary)');
    const ex = await c.session.execute(c.session.prepare(st!, []), [], { reason: undefined });
    if (ex.kind !== 'copyIn') throw new Error('expected copyIn');
    await ex.sink.write(bin);
    expect(await ex.sink.finish()).toBe('COPY 2');
    await c.query('COMMIT');
    expect((await c.query('SELECT id, v, w FROM s ORDER BY id')).text).toEqual([['1', 'x, y', '5'], ['2', 'z', '5'], ['3', '', '5'], ['4', null, '5']]);
    await c.query("INSERT INTO s (v) VALUES ('next')");
    expect((await c.query("SELECT id FROM s WHERE v = 'next'")).text).toEqual([['5']]);
    await c.query("INSERT INTO b VALUES (3, 'three')");
    expect((await c.query('SELECT a, v FROM b')).text).toEqual([['1', 'one'], ['2', null], ['3', 'three']]);
  });

  it('checks and conversions fail as on the row path, with the CONTEXT line', async () => {
    const { c } = await setup();
    await c.query('BEGIN');
    await c.query("CREATE TABLE k (id int PRIMARY KEY, v varchar(3) NOT NULL, n numeric(4,1) CHECK (n > 0), d int DEFAULT 7)");
    let e = await fail(copyIn(c, 'COPY k (id, v, n) FROM STDIN', ['1\tabc\t1\n2\tabcd\t1\n']));
    expect([e.code, e.message, e.fields.where]).toEqual(['22001', 'value too long for type character varying(3)', 'COPY k, line 2, column v: "abcd"']);
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await c.query("CREATE TABLE k (id int PRIMARY KEY, v varchar(3) NOT NULL, n numeric(4,1) CHECK (n > 0), d int DEFAULT 7)");
    e = await fail(copyIn(c, 'COPY k (id, v, n) FROM STDIN', ['1\tabc\t1\n2\t\\N\t1\n']));
    expect([e.code, e.message, e.fields.detail, e.fields.where]).toEqual(['23502', 'null value in column "v" of relation "k" violates not-null constraint', 'Failing row contains (2, null, 1.0, 7).', 'COPY k, line 2: "2	\\N	1"']);
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await c.query("CREATE TABLE k (id int PRIMARY KEY, v varchar(3) NOT NULL, n numeric(4,1) CHECK (n > 0), d int DEFAULT 7)");
    e = await fail(copyIn(c, 'COPY k (id, v, n) FROM STDIN', ['1\tabc\t1\n2\tab\t-1\n']));
    expect([e.code, e.message, e.fields.detail, e.fields.where]).toEqual(['23514', 'new row for relation "k" violates check constraint "k_n_check"', 'Failing row contains (2, ab, -1.0, 7).', 'COPY k, line 2: "2	ab	-1"']);
    await c.query('ROLLBACK');
    // A long line is cut at 100 bytes (whole characters), as PostgreSQL's limit_printout_length.
    await c.query('BEGIN');
    await c.query('CREATE TABLE l (id int, v text, w text NOT NULL)');
    e = await fail(copyIn(c, 'COPY l FROM STDIN', [`1\t${'é'.repeat(60)}\t\\N\n`]));
    expect([e.code, e.fields.where]).toEqual(['23502', `COPY l, line 1: "1\t${'é'.repeat(49)}..."`]);
    await c.query('ROLLBACK');
  });
});
