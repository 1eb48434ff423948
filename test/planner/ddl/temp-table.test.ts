// CREATE TEMP[ORARY] TABLE (planner/ddl/temp.ts): the session's own schema pg_temp_N, searched
// first, invisible to other sessions, dropped at session end and at the next start; errors as
// PostgreSQL 15 reports them (recorded from a real PostgreSQL 15).
import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';
import { DbError, type CatalogReader } from '../../../catalog/index.js';
import { PlannerEngine } from '../../../planner/engine.js';
import { TablesServer } from '../../../planner/rel/runtime.js';
import { join } from 'node:path';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: DbError) => e.code);
const msg = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: DbError) => `${e.code} ${e.message}`);

/** The committed catalog's schema names (there is no pg_namespace to query yet). */
function schemas(server: TablesServer, db = 'postgres'): string[] {
  const r: CatalogReader = { get: (t, k) => server.db.get(t, k), scan: (t, o) => server.db.scan(t, o ?? {}) };
  return server.catalog.listSchemas(r, db);
}
const serverOf = (e: Engine): TablesServer => (e as PlannerEngine).tables!;

/** Waits until `f` holds (session end drops the temporary schema in the background). */
async function until(f: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await f()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('condition never held');
}

describe('CREATE TEMP TABLE', () => {
  it('shadows a permanent table, pg_temp names it, other sessions never see it', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    const b = Client.open(engine);
    await a.query('CREATE TABLE t (x int)');
    await a.query('INSERT INTO t VALUES (1)');
    await a.query('CREATE TEMP TABLE t (x int PRIMARY KEY, y serial, z text UNIQUE)');
    await a.query("INSERT INTO t (x, z) VALUES (10, 'a'), (20, 'b')");
    expect((await a.query('SELECT x, y, z FROM t ORDER BY x')).text).toEqual([['10', '1', 'a'], ['20', '2', 'b']]);
    expect((await a.query('SELECT x FROM pg_temp.t ORDER BY x')).text).toEqual([['10'], ['20']]);
    expect((await a.query('SELECT x FROM public.t')).text).toEqual([['1']]);
    // PostgreSQL 15: the implicit temp schema leads current_schemas(true), not (false).
    const [[withImplicit, without]] = (await a.query('SELECT current_schemas(true), current_schemas(false)')).text as string[][];
    expect(without).toBe('{public}');
    expect(withImplicit).toMatch(/^\{pg_temp_\d+,pg_catalog,public\}$/);
    expect((await b.query('SELECT current_schemas(true)')).text).toEqual([['{pg_catalog,public}']]);
    expect(await code(a.query("INSERT INTO t (x, z) VALUES (10, 'c')"))).toBe('23505');
    expect(await code(a.query("INSERT INTO t (x, z) VALUES (30, 'a')"))).toBe('23505');
    // The other session sees only the permanent table.
    expect((await b.query('SELECT x FROM t')).text).toEqual([['1']]);
    expect(await code(b.query('SELECT x FROM pg_temp.t'))).toBe('42P01');
    await b.query('CREATE TEMPORARY TABLE only_b (v int)');
    expect(await code(a.query('SELECT * FROM only_b'))).toBe('42P01');
    // DROP TABLE drops the temporary one first, then the permanent one shows again.
    await a.query('DROP TABLE t');
    expect((await a.query('SELECT x FROM t')).text).toEqual([['1']]);
  });

  it('CREATE TEMP TABLE AS; pg_temp.name makes a table temporary', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    const b = Client.open(engine);
    expect((await a.query('CREATE TEMP TABLE s AS SELECT g AS n FROM generate_series(1, 3) g')).tag).toBe('SELECT 3');
    await a.query('CREATE TEMPORARY TABLE s2 (m) AS SELECT n * 2 FROM s');
    expect((await a.query('SELECT sum(m) FROM s2')).text).toEqual([['12']]);
    expect(await code(b.query('SELECT * FROM s'))).toBe('42P01');
    await a.query('CREATE TABLE pg_temp.s3 (v int)'); // pg_temp makes it temporary, as in PostgreSQL
    expect(await code(b.query('SELECT * FROM s3'))).toBe('42P01');
  });

  it('ROLLBACK takes back CREATE TEMP TABLE', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    await a.query('BEGIN');
    await a.query('CREATE TEMP TABLE r (v int)');
    await a.query('INSERT INTO r VALUES (1)');
    await a.query('ROLLBACK');
    expect(await code(a.query('SELECT * FROM r'))).toBe('42P01');
    await a.query('CREATE TEMP TABLE r (v int)');
    expect((await a.query('SELECT count(*) FROM r')).text).toEqual([['0']]);
  });

  it('is dropped when the session ends; a later session starts clean', async () => {
    ({ engine } = await openEngine());
    const server = serverOf(engine);
    const a = Client.open(engine);
    await a.query('CREATE TEMP TABLE gone (v serial PRIMARY KEY, w text UNIQUE)');
    await a.query("INSERT INTO gone (w) VALUES ('x')");
    const temp = schemas(server).filter((s) => s.startsWith('pg_temp'));
    expect(temp).toEqual(['pg_temp_1']);
    const r: CatalogReader = { get: (t, k) => server.db.get(t, k), scan: (t, o) => server.db.scan(t, o ?? {}) };
    expect(server.catalog.listTables(r, 'postgres', 'pg_temp_1').map((t) => t.name)).toEqual(expect.arrayContaining(['gone', 'gone_v_seq']));
    await a.close();
    await until(async () => !schemas(server).includes('pg_temp_1'));
    expect(server.catalog.listTables(r, 'postgres', 'pg_temp_1')).toEqual([]);
    const b = Client.open(engine);
    expect(await code(b.query('SELECT * FROM gone'))).toBe('42P01');
    expect(await code(b.query('SELECT * FROM pg_temp_1.gone'))).toBe('42P01');
    await b.query('CREATE TEMP TABLE gone (w text)');
    expect((await b.query('SELECT count(*) FROM gone')).text).toEqual([['0']]);
  });

  it('an orderly shutdown drops temporary schemas; leftovers of a crash are removed at the next start', async () => {
    const opened = await openEngine();
    engine = opened.engine;
    const a = Client.open(engine);
    await a.query('CREATE TEMP TABLE t1 (v int)');
    await a.query('INSERT INTO t1 VALUES (1)');
    await engine.close();
    engine = undefined;
    // A crash: the catalog holds a temporary schema and table no live session owns.
    const raw = await TablesServer.open({ dir: join(opened.dir, 'lsm') });
    expect(schemas(raw).filter((s) => s.startsWith('pg_temp'))).toEqual([]);
    const txn = raw.db.begin({ isolation: 'read-committed' });
    const w = txn as unknown as Parameters<typeof raw.catalog.putTable>[0];
    await raw.catalog.createSchema(w, 'postgres', 'pg_temp_7', 'postgres');
    const oid = await raw.catalog.allocOid();
    raw.catalog.putTable(w, { kind: 'table', oid, db: 'postgres', schema: 'pg_temp_7', name: 'crash', storageId: oid, columns: [{ name: 'v', attnum: 1, typeOid: 23, typmod: -1, notNull: false }], uniques: [], checks: [] });
    await txn.commit();
    expect(schemas(raw)).toContain('pg_temp_7');
    await raw.close();
    ({ engine } = await openEngine(opened.dir));
    expect(schemas(serverOf(engine)).filter((s) => s.startsWith('pg_temp'))).toEqual([]);
    const b = Client.open(engine);
    expect(await code(b.query('SELECT * FROM pg_temp_7.crash'))).toBe('42P01');
    expect(await code(b.query('SELECT * FROM t1'))).toBe('42P01');
  });

  it('ON COMMIT DELETE ROWS empties the table at every commit (as PostgreSQL 15)', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    await a.query('CREATE TEMP TABLE d (v int PRIMARY KEY, w text UNIQUE) ON COMMIT DELETE ROWS');
    await a.query("INSERT INTO d VALUES (1, 'a')");
    expect((await a.query('SELECT count(*) FROM d')).text).toEqual([['0']]);
    await a.query('BEGIN');
    await a.query("INSERT INTO d VALUES (1, 'a'), (2, 'b')");
    expect((await a.query('SELECT count(*) FROM d')).text).toEqual([['2']]);
    await a.query('COMMIT');
    expect((await a.query('SELECT count(*) FROM d')).text).toEqual([['0']]);
    // The unique entries went too: the same keys insert again.
    await a.query('BEGIN');
    await a.query("INSERT INTO d VALUES (1, 'a')");
    expect(await code(a.query("INSERT INTO d VALUES (1, 'z')"))).toBe('23505');
    await a.query('ROLLBACK');
    // A permanent table of the session is untouched by the commit.
    await a.query('CREATE TABLE keep (v int)');
    await a.query('INSERT INTO keep VALUES (1)');
    expect((await a.query('SELECT count(*) FROM keep')).text).toEqual([['1']]);
  });

  it('ON COMMIT DROP drops the table when its transaction commits (as PostgreSQL 15)', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    await a.query('CREATE TEMP TABLE x (v int) ON COMMIT DROP');
    expect(await code(a.query('SELECT * FROM x'))).toBe('42P01');
    await a.query('BEGIN');
    await a.query('CREATE TEMP TABLE x (v serial) ON COMMIT DROP');
    await a.query('INSERT INTO x DEFAULT VALUES');
    expect((await a.query('SELECT * FROM x')).text).toEqual([['1']]);
    await a.query('COMMIT');
    expect(await code(a.query('SELECT * FROM x'))).toBe('42P01');
    expect(await code(a.query('SELECT nextval(\'pg_temp.x_v_seq\')'))).toBe('42P01');
    await a.query('BEGIN');
    await a.query('CREATE TEMP TABLE y ON COMMIT DROP AS SELECT 5 AS f');
    expect((await a.query('SELECT f FROM y')).text).toEqual([['5']]);
    await a.query('COMMIT');
    expect(await code(a.query('SELECT f FROM y'))).toBe('42P01');
    await a.query('BEGIN');
    await a.query('CREATE TEMP TABLE z (v int) ON COMMIT DROP');
    await a.query('ROLLBACK');
    expect(await code(a.query('SELECT * FROM z'))).toBe('42P01');
    // A later table of the same name without ON COMMIT is not dropped by a stale entry.
    await a.query('CREATE TEMP TABLE z (v int)');
    await a.query('INSERT INTO z VALUES (1)');
    expect((await a.query('SELECT count(*) FROM z')).text).toEqual([['1']]);
  });

  it('errors as PostgreSQL 15', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    await a.query('CREATE SCHEMA s');
    expect(await msg(a.query('CREATE TEMP TABLE s.t (v int)'))).toBe('42P16 cannot create temporary relation in non-temporary schema');
    expect(await msg(a.query('CREATE TEMP TABLE s.t AS SELECT 1'))).toBe('42P16 cannot create temporary relation in non-temporary schema');
    expect(await msg(a.query('CREATE TABLE p (v int) ON COMMIT DELETE ROWS'))).toBe('42P16 ON COMMIT can only be used on temporary tables');
    expect(await msg(a.query('CREATE TABLE p ON COMMIT DELETE ROWS AS SELECT 1'))).toBe('42P16 ON COMMIT can only be used on temporary tables');
    expect(await msg(a.query('CREATE TEMP TABLE nope.t (v int)'))).toBe('3F000 schema "nope" does not exist');
    expect(await msg(a.query('CREATE TABLE pg_temp_9.t (v int)'))).toBe('3F000 schema "pg_temp_9" does not exist');
    const b = Client.open(engine!);
    await b.query('CREATE TEMP TABLE mine (v int)'); // b's schema is pg_temp_1 (a has none yet)
    expect(await msg(a.query('CREATE TABLE pg_temp_1.t (v int)'))).toBe('42P16 cannot create relations in temporary schemas of other sessions');
    await a.query('CREATE TEMP TABLE k (v int) ON COMMIT PRESERVE ROWS');
    expect(await msg(a.query('CREATE TEMP TABLE k (v int)'))).toBe('42P07 relation "k" already exists');
  });

  it('permanent and temporary tables never reference each other (PostgreSQL 15, 42P16)', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    await a.query('CREATE TABLE pp (id int PRIMARY KEY)');
    await a.query('CREATE TEMP TABLE tp (id int PRIMARY KEY)');
    expect(await msg(a.query('CREATE TABLE c1 (x int REFERENCES tp)'))).toBe('42P16 constraints on permanent tables may reference only permanent tables');
    expect(await msg(a.query('CREATE TEMP TABLE c2 (x int REFERENCES pp)'))).toBe('42P16 constraints on temporary tables may reference only temporary tables');
    await a.query('CREATE TEMP TABLE c3 (x int REFERENCES tp)');
    await a.query('CREATE TABLE c4 (x int)');
    expect(await msg(a.query('ALTER TABLE c4 ADD FOREIGN KEY (x) REFERENCES tp'))).toBe('42P16 constraints on permanent tables may reference only permanent tables');
    await a.query('INSERT INTO tp VALUES (1)');
    await a.query('INSERT INTO c3 VALUES (1)');
    expect(await code(a.query('INSERT INTO c3 VALUES (2)'))).toBe('23503');
  });
});
