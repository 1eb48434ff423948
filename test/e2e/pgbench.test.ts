// pgbench, unmodified, against the real server process: the default initialisation steps
// (CREATE TABLE ... WITH (fillfactor), COPY FREEZE, VACUUM, ALTER TABLE ADD PRIMARY KEY), then
// tpcb-like in simple and prepared modes and select-only, with several clients. Every
// transaction must succeed, the bank invariant must hold (sum of balances = sum of history
// deltas), and everything must still be there after a restart. Scale 1 keeps it CI-sized;
// bench/sql runs scale 10 side by side with PostgreSQL.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';

const hasPgbench = spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).status === 0;

function pgbench(port: number, args: string[]): { out: string; code: number | null } {
  const r = spawnSync('pgbench', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', ...args, 'postgres'], {
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' },
  });
  return { out: `${r.stdout}\n${r.stderr}`, code: r.status };
}

function processed(out: string): number {
  const m = /number of transactions actually processed: (\d+)/.exec(out);
  return m ? Number(m[1]) : -1;
}

function failed(out: string): number {
  const m = /number of failed transactions: (\d+)/.exec(out);
  return m ? Number(m[1]) : 0;
}

async function invariant(port: number): Promise<{ accounts: number; balances: string; deltas: string; branches: string; tellers: string }> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  await c.connect();
  try {
    const r = await c.query(
      `SELECT (SELECT count(*) FROM pgbench_accounts) AS accounts,
              (SELECT coalesce(sum(abalance), 0) FROM pgbench_accounts) AS balances,
              (SELECT coalesce(sum(delta), 0) FROM pgbench_history) AS deltas,
              (SELECT coalesce(sum(bbalance), 0) FROM pgbench_branches) AS branches,
              (SELECT coalesce(sum(tbalance), 0) FROM pgbench_tellers) AS tellers`,
    );
    const row = r.rows[0];
    return { accounts: Number(row.accounts), balances: String(row.balances), deltas: String(row.deltas), branches: String(row.branches), tellers: String(row.tellers) };
  } finally {
    await c.end();
  }
}

describe.runIf(!hasPgbench && !!process.env.CI)('pgbench binary', () => {
  it('is installed (.ci/run installs postgresql-client-15)', () => {
    expect(hasPgbench).toBe(true);
  });
});

describe.skipIf(!hasPgbench)('pgbench, unmodified', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  }, 60_000);
  afterAll(async () => {
    if (srv && srv.proc.exitCode === null) await srv.stop();
  });

  it('initialises with the default steps (fillfactor, COPY FREEZE, VACUUM, ADD PRIMARY KEY)', () => {
    const r = pgbench(srv.port, ['-i', '-s', '1']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/done in/);
  }, 240_000);

  it('runs tpcb-like (simple and prepared) and select-only with 4 clients and no failed transaction', async () => {
    for (const args of [['-M', 'simple'], ['-M', 'prepared'], ['-M', 'prepared', '-S']]) {
      const r = pgbench(srv.port, ['-n', '-c', '4', '-j', '2', '-T', '3', ...args]);
      expect(r.code, r.out).toBe(0);
      expect(processed(r.out), r.out).toBeGreaterThan(0);
      expect(failed(r.out), r.out).toBe(0);
    }
    const inv = await invariant(srv.port);
    expect(inv.accounts).toBe(100_000);
    expect(inv.balances).toBe(inv.deltas);
    expect(inv.branches).toBe(inv.deltas);
    expect(inv.tellers).toBe(inv.deltas);
  }, 120_000);

  it('keeps every committed transaction across a restart', async () => {
    const before = await invariant(srv.port);
    expect(await srv.stop()).toBe(0);
    srv = await startServer([], { dataDir: srv.dataDir });
    const after = await invariant(srv.port);
    expect(after).toEqual(before);
  }, 120_000);
});
