// The restore shape `BEGIN; CREATE TABLE t (…); INSERT INTO t SELECT …; COMMIT` must not be
// bounded by the transaction's write set (planner/dml/insert.ts: such an INSERT goes by segment
// ingest, as COPY into a table created in the transaction does). The real server runs with a
// 256 MiB heap (write-set limit a quarter of it, lsm/mvcc/budget.ts): the same INSERT into a table
// committed earlier fails with 54000 (test/e2e/big-txn.test.ts), into a table created in the
// transaction it loads several times that many rows, and they survive a restart.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

const servers: RunningServer[] = [];
const clients: pg.Client[] = [];

async function connect(srv: RunningServer): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'tester', database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  clients.push(c);
  return c;
}

async function start(dataDir?: string): Promise<RunningServer> {
  const srv = await startServer([], { env: { NODE_OPTIONS: '--max-old-space-size=256' }, ...(dataDir ? { dataDir } : {}) });
  servers.push(srv);
  return srv;
}

afterAll(async () => {
  for (const c of clients) await c.end().catch(() => undefined);
  for (const s of servers) await s.stop().catch(() => undefined);
});

const ROWS = 600_000;
const LOAD = (t: string) => `INSERT INTO ${t} SELECT g, g % 1000, 'row-' || g FROM generate_series(1, ${ROWS}) g`;

describe('INSERT … SELECT into a table created in the transaction, beyond the write-set limit', () => {
  it('the row path fails with 54000; the ingest path loads, commits and survives a restart', async () => {
    const srv = await start();
    const a = await connect(srv);
    // Row path (table committed earlier): the write set passes its limit (~100 k rows here).
    await a.query('CREATE TABLE committed (id bigint PRIMARY KEY, v int, t text)');
    await a.query('BEGIN');
    const err = await a.query(LOAD('committed')).then(() => undefined, (e: { code?: string }) => e);
    expect(err?.code).toBe('54000');
    await a.query('ROLLBACK');

    await a.query('BEGIN');
    await a.query('CREATE TABLE imp (id bigint PRIMARY KEY, v int, t text)');
    expect((await a.query(LOAD('imp'))).rowCount).toBe(ROWS);
    await a.query('COMMIT');
    const sum = String((ROWS * (ROWS + 1)) / 2);
    const check = 'SELECT count(*)::int AS n, sum(id)::text AS s, max(t) AS m FROM imp';
    expect((await a.query(check)).rows[0]).toEqual({ n: ROWS, s: sum, m: 'row-99999' });
    expect(srv.proc.exitCode).toBeNull();

    await a.end();
    await srv.stop();
    const again = await start(srv.dataDir);
    const b = await connect(again);
    expect((await b.query(check)).rows[0]).toEqual({ n: ROWS, s: sum, m: 'row-99999' });
  }, 180_000);
});
