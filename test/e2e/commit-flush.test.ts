// A commit's durability wait through the real server: one client alone (its commits take the
// inline fdatasync, lsm/wal/inline.ts) and four clients at once (their commits overlap and go
// through group commit on the thread pool), then the server is killed with SIGKILL right after
// the last acknowledgement. Every acknowledged row is there after the restart, every
// transaction's two rows together, and the sums match the acknowledged updates. Whether the
// inline path is taken is asserted where it can be observed, at the LsmDb level
// (test/lsm/wal/inline-db.test.ts); this checks the server end to end on a real disk.
import { describe, it, expect } from 'vitest';
import pg from 'pg';
import { startServer, tempDataDir } from './server.js';

async function connect(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'tester', database: 'postgres' });
  await c.connect();
  return c;
}

/** `n` transactions on one connection, each an UPDATE of a shared counter row and an INSERT. */
async function client(port: number, id: number, n: number, acked: number[]): Promise<void> {
  const c = await connect(port);
  try {
    for (let i = 0; i < n; i++) {
      await c.query('begin');
      await c.query('update counters set total = total + $1 where id = $2', [i + 1, id]);
      await c.query('insert into events values ($1, $2, $3)', [id, i, i + 1]);
      await c.query('commit');
      acked.push(i + 1);
    }
    // Autocommit statements are transactions too.
    await c.query('insert into events values ($1, $2, $3)', [id, n, 0]);
    acked.push(0);
  } finally {
    await c.end();
  }
}

describe('commit durability through the server (inline and grouped fdatasync)', () => {
  it('acknowledged commits of one client and of four concurrent clients survive SIGKILL', async () => {
    const dataDir = tempDataDir();
    const srv = await startServer([], { dataDir });
    const acked = new Map<number, number[]>();
    try {
      const c = await connect(srv.port);
      await c.query('create table counters (id int primary key, total bigint not null)');
      await c.query('create table events (client int, i int, delta int, primary key (client, i))');
      await c.query('insert into counters select g, 0 from generate_series(1, 5) g');
      await c.end();
      // Alone: nothing else in flight, so these commits are flushed inline.
      acked.set(1, []);
      await client(srv.port, 1, 40, acked.get(1)!);
      // Four at once: commits overlap, group commit.
      for (const id of [2, 3, 4, 5]) acked.set(id, []);
      await Promise.all([2, 3, 4, 5].map((id) => client(srv.port, id, 25, acked.get(id)!)));
    } finally {
      await srv.stop('SIGKILL');
    }
    const again = await startServer([], { dataDir });
    try {
      const c = await connect(again.port);
      const totals = await c.query('select id, total from counters order by id');
      const events = await c.query('select client, count(*)::int as n, sum(delta)::int as s from events group by client order by client');
      await c.end();
      for (const [id, list] of acked) {
        const sum = list.reduce((a, b) => a + b, 0);
        expect(totals.rows.find((r) => r.id === id)).toEqual({ id, total: String(sum) });
        expect(events.rows.find((r) => r.client === id)).toEqual({ client: id, n: list.length, s: sum });
      }
    } finally {
      expect(await again.stop()).toBe(0);
    }
  }, 60_000);
});
