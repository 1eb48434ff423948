// COPY FROM by segment ingest (planner/dml/copy-ingest.ts) against the real server process over
// TCP: atomicity across kill -9 (before and after COMMIT), a client that disconnects mid-COPY,
// concurrent writers on an empty table, pgbench -i, and PostgreSQL's error text over the wire.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';
import { CopyIn, copyChunks } from './copy-in.js';

function copy(c: pg.Client, text: string, data: string): Promise<string> {
  const q = new CopyIn(text, copyChunks(data));
  void c.query(q as unknown as pg.QueryConfig);
  return q.done;
}

const rows = (from: number, to: number): string => {
  let s = '';
  for (let i = from; i <= to; i++) s += `${i}\t2024-01-01 00:00:00+00\t${i % 1000}\t${i}.25\tnote ${i}\n`;
  return s;
};
const DDL = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)`;
const segFiles = (srv: RunningServer): string[] => readdirSync(join(srv.dataDir, 'lsm')).filter((n) => n.endsWith('.seg'));
const client = async (srv: RunningServer): Promise<pg.Client> => {
  const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  return c;
};
const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};

describe('COPY FROM by ingest, real server', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  }, 60_000);
  afterAll(async () => {
    if (srv && srv.proc.exitCode === null) await srv.stop();
  });

  it('kill -9 before COMMIT: the table never existed and the ingested files are dropped at restart; after COMMIT: every row', async () => {
    let c = await client(srv);
    await c.query('BEGIN');
    await c.query(DDL('lost'));
    const before = new Set(segFiles(srv));
    expect(await copy(c, 'COPY lost FROM STDIN', rows(1, 20_000))).toBe('COPY 20000');
    const ingested = segFiles(srv).filter((f) => !before.has(f));
    expect(ingested.length).toBeGreaterThan(0);
    await c.query('CREATE TABLE kept (a int)'); // same transaction, also lost
    await srv.stop('SIGKILL');
    srv = await startServer([], { dataDir: srv.dataDir });
    c = await client(srv);
    await expect(c.query('SELECT count(*) FROM lost')).rejects.toThrow('relation "lost" does not exist');
    await until(() => segFiles(srv).every((f) => !ingested.includes(f)));
    expect(segFiles(srv).filter((f) => ingested.includes(f))).toEqual([]);

    await c.query('BEGIN');
    await c.query(DDL('done'));
    expect(await copy(c, 'COPY done FROM STDIN WITH (FREEZE)', rows(1, 20_000))).toBe('COPY 20000');
    await c.query('COMMIT');
    await srv.stop('SIGKILL');
    srv = await startServer([], { dataDir: srv.dataDir });
    c = await client(srv);
    const r = await c.query('SELECT count(*)::int AS n, sum(id)::text AS s, sum(amount)::text AS a FROM done');
    expect(r.rows[0]).toEqual({ n: 20_000, s: String((20_000 * 20_001) / 2), a: String((20_000 * 20_001) / 2 + 20_000 * 0.25) + '.00' });
    await c.end();
  }, 120_000);

  it('a client that disconnects mid-COPY leaves no table and no file', async () => {
    const c = await client(srv);
    await c.query('BEGIN');
    await c.query(DDL('gone'));
    const before = new Set(segFiles(srv));
    const data = Buffer.from(rows(1, 60_000));
    let sent = false;
    let midFiles = 0;
    const q = new CopyIn('COPY gone FROM STDIN', [], (con) => {
      // Enough for a few files, then the connection drops without CopyDone.
      for (let off = 0; off < data.length * 0.8; off += 60_000) con.sendCopyFromChunk(data.subarray(off, off + 60_000));
      sent = true;
      // Drop the connection once the ingest has written files (not yet in the manifest).
      void until(() => segFiles(srv).some((f) => !before.has(f))).then(() => {
        midFiles = segFiles(srv).filter((f) => !before.has(f)).length;
        con.stream.destroy();
      });
    });
    const ended = new Promise((r) => c.once('end', r));
    void c.query(q as unknown as pg.QueryConfig);
    await Promise.race([q.done.catch(() => undefined), ended]);
    expect(sent).toBe(true);
    expect(midFiles).toBeGreaterThan(0);
    const c2 = await client(srv);
    await until(() => segFiles(srv).every((f) => before.has(f)));
    expect(segFiles(srv).filter((f) => !before.has(f))).toEqual([]);
    await expect(c2.query('SELECT 1 FROM gone')).rejects.toThrow('relation "gone" does not exist');
    await c2.end();
  }, 60_000);

  it('an empty table committed earlier: a concurrent writer loses no row and no key is doubled', async () => {
    const a = await client(srv);
    const b = await client(srv);
    await a.query(DDL('shared'));
    const loading = copy(a, 'COPY shared FROM STDIN', rows(1, 40_000));
    let inserted = 0;
    let dup = 0;
    for (let i = 0; i < 200; i++) {
      // Half the keys are beyond the COPY's, half collide with it.
      const id = i % 2 === 0 ? 100_000 + i : 1 + i * 150;
      try {
        await b.query('INSERT INTO shared (id, note) VALUES ($1, $2)', [id, 'b']);
        inserted++;
      } catch (e) {
        expect((e as Error).message).toBe('duplicate key value violates unique constraint "shared_pkey"');
        dup++;
      }
    }
    let copied = 0;
    try {
      copied = Number((await loading).split(' ')[1]);
    } catch (e) {
      // The COPY met a key B committed first: it fails as a whole, as in PostgreSQL.
      expect((e as Error).message).toBe('duplicate key value violates unique constraint "shared_pkey"');
    }
    const r = await a.query('SELECT count(*)::int AS n, count(DISTINCT id)::int AS d, count(*) FILTER (WHERE note = \'b\')::int AS nb FROM shared');
    expect(r.rows[0]).toEqual({ n: copied + inserted, d: copied + inserted, nb: inserted });
    expect(inserted + dup).toBe(200);
    await a.end();
    await b.end();
  }, 120_000);

  it('errors carry PostgreSQL 15 text over the wire (duplicate with CONTEXT; NOT NULL with the quoted line)', async () => {
    const c = await client(srv);
    await c.query('BEGIN');
    await c.query(DDL('e1'));
    const e = await copy(c, 'COPY e1 FROM STDIN', rows(1, 5) + '3\t\\N\t\\N\t\\N\tx\n').then(() => undefined, (x: pg.DatabaseError) => x);
    expect([e?.code, e?.message, e?.detail, e?.where]).toEqual(['23505', 'duplicate key value violates unique constraint "e1_pkey"', 'Key (id)=(3) already exists.', 'COPY e1, line 6']);
    await c.query('ROLLBACK');
    await c.query('BEGIN');
    await c.query('CREATE TABLE e2 (id int PRIMARY KEY, v text NOT NULL)');
    const e2 = await copy(c, 'COPY e2 FROM STDIN', '1\ta\n2\t\\N\n').then(() => undefined, (x: pg.DatabaseError) => x);
    expect([e2?.code, e2?.message, e2?.detail, e2?.where]).toEqual(['23502', 'null value in column "v" of relation "e2" violates not-null constraint', 'Failing row contains (2, null).', 'COPY e2, line 2: "2\t\\N"']);
    await c.query('ROLLBACK');
    await c.end();
  }, 60_000);

  it.skipIf(spawnSync('pgbench', ['--version']).status !== 0)('pgbench -i -s 1 loads through the ingest; the invariant queries hold, also after a restart', async () => {
    const init = (steps: string) => spawnSync('pgbench', ['-i', '-I', steps, '-s', '1', '-h', '127.0.0.1', '-p', String(srv.port), '-U', 'postgres', 'postgres'], {
      encoding: 'utf8', timeout: 120_000, env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' },
    });
    // Drop, create, generate (INSERTs into branches and tellers, then COPY FREEZE of the accounts
    // after a TRUNCATE in the same transaction): the accounts become segment files at once (the
    // row path would leave them in the memtable, far below its flush size).
    const before = new Set(segFiles(srv));
    let r = init('dtg');
    expect(r.status, r.stderr).toBe(0);
    expect(segFiles(srv).filter((f) => !before.has(f)).length).toBeGreaterThan(0);
    r = init('vp');
    expect(r.status, r.stderr).toBe(0);
    const check = async (): Promise<void> => {
      const c = await client(srv);
      const q = await c.query(`SELECT (SELECT count(*)::int FROM pgbench_accounts) AS accounts, (SELECT count(DISTINCT aid)::int FROM pgbench_accounts) AS aids,
        (SELECT sum(aid)::text FROM pgbench_accounts) AS aidsum, (SELECT count(*)::int FROM pgbench_branches) AS branches,
        (SELECT count(*)::int FROM pgbench_tellers) AS tellers, (SELECT sum(abalance)::int FROM pgbench_accounts) AS bal,
        (SELECT count(*)::int FROM pgbench_history) AS hist`);
      expect(q.rows[0]).toEqual({ accounts: 100_000, aids: 100_000, aidsum: String((100_000 * 100_001) / 2), branches: 1, tellers: 10, bal: 0, hist: 0 });
      // The primary keys ADD PRIMARY KEY built over the ingested rows are enforced.
      await expect(c.query('INSERT INTO pgbench_accounts (aid, bid, abalance) VALUES (5, 1, 0)')).rejects.toThrow('duplicate key value violates unique constraint "pgbench_accounts_pkey"');
      expect((await c.query('SELECT abalance FROM pgbench_accounts WHERE aid = 99999')).rows).toEqual([{ abalance: 0 }]);
      await c.end();
    };
    await check();
    await srv.stop('SIGKILL');
    srv = await startServer([], { dataDir: srv.dataDir });
    await check();
  }, 240_000);
});
