// An autocommit COPY into a table committed earlier goes by published ingest (planner/dml/
// copy-ingest.ts 'committed', lsm/db/publish.ts), through the real server over TCP: PostgreSQL's
// answers (live oracle), a concurrent INSERT of a key the COPY holds, a REPEATABLE READ reader
// whose snapshot predates the COPY, a restart after the COPY and kill -9 in the middle of one.
import { expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { describeWithOracle, type TranscriptCase } from './oracle-suite.js';
import { startServer, type RunningServer } from './server.js';
import { CopyIn, copyChunks, copyIn } from './copy-in.js';

const copy = copyIn;

/** A Query message holding a COPY and more statements: every tag and data row, or the error. */
async function copyQuery(c: pg.Client, text: string, data: string): Promise<unknown> {
  const q = new CopyIn(text, copyChunks(data));
  void c.query(q as unknown as pg.QueryConfig);
  try {
    await q.done;
    return q.results;
  } catch (e) {
    return { results: q.results, error: errorOf(e) };
  }
}

const rows = (ids: Iterable<number>): string => {
  let s = '';
  for (const i of ids) s += `${i}\t2024-01-01 00:00:00+00\t${i % 1000}\t${i}.25\tnote ${i}\n`;
  return s;
};
const range = (a: number, b: number): number[] => Array.from({ length: b - a + 1 }, (_, i) => a + i);
const DDL = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, ts timestamptz, n int, amount numeric(12,2), note text)`;

async function withClient<T>(port: number, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => undefined);
  }
}

const errorOf = (e: unknown) => {
  const x = e as pg.DatabaseError;
  return { code: x.code, message: x.message, detail: x.detail, where: x.where };
};

const summary = 'SELECT count(*)::int AS n, sum(id)::text AS s, min(id)::int AS lo, max(id)::int AS hi, sum(amount)::text AS a FROM ';

const cases: TranscriptCase[] = [
  {
    title: 'autocommit COPY into a table with rows: non-overlapping, then interleaving key ranges',
    run: (port) => withClient(port, async (c) => {
      await c.query('DROP TABLE IF EXISTS cc1');
      await c.query(DDL('cc1'));
      await c.query("INSERT INTO cc1 SELECT g, '2024-01-01'::timestamptz, g, g, 'old' FROM generate_series(1, 1000, 2) g");
      const t1 = await copy(c, 'COPY cc1 FROM STDIN', rows(range(5000, 24_999)));
      const s1 = (await c.query(summary + 'cc1')).rows[0];
      // Even keys below 1000 fall between the existing odd ones.
      const t2 = await copy(c, 'COPY cc1 FROM STDIN', rows(range(1, 500).map((i) => i * 2)));
      const s2 = (await c.query(summary + 'cc1')).rows[0];
      const point = (await c.query('SELECT id::int, note FROM cc1 WHERE id IN (2, 3, 5000, 24999) ORDER BY id')).rows;
      return { t1, s1, t2, s2, point };
    }),
    expected: {
      t1: 'COPY 20000',
      s1: { n: 20_500, s: '300240000', lo: 1, hi: 24_999, a: '300245000.00' },
      t2: 'COPY 500',
      s2: { n: 21_000, s: '300490500', lo: 1, hi: 24_999, a: '300495625.00' },
      point: [{ id: 2, note: 'note 2' }, { id: 3, note: 'old' }, { id: 5000, note: 'note 5000' }, { id: 24999, note: 'note 24999' }],
    },
  },
  {
    title: 'a duplicate of a committed key: 23505 with DETAIL and CONTEXT, nothing of the COPY stays',
    run: (port) => withClient(port, async (c) => {
      await c.query('DROP TABLE IF EXISTS cc2');
      await c.query(DDL('cc2'));
      await c.query("INSERT INTO cc2 (id, note) VALUES (7, 'old'), (30000, 'old')");
      // Ascending keys; the duplicate is the 7th row.
      const e1 = await copy(c, 'COPY cc2 FROM STDIN', rows(range(1, 10))).then(() => undefined, errorOf);
      // The duplicate far into a large load (its own files are written by then).
      const e2 = await copy(c, 'COPY cc2 FROM STDIN', rows(range(10, 30_005))).then(() => undefined, errorOf);
      // Keys that stop ascending, then a duplicate after the switch to the row path.
      const e3 = await copy(c, 'COPY cc2 FROM STDIN', rows([100, 200, 50, 7, 300])).then(() => undefined, errorOf);
      // CSV with a header line: the line number counts it.
      const e4 = await copy(c, 'COPY cc2 (id, note) FROM STDIN (FORMAT csv, HEADER)', 'id,note\n1,a\n7,b\n').then(() => undefined, errorOf);
      const after = (await c.query('SELECT count(*)::int AS n FROM cc2')).rows[0];
      return { e1, e2, e3, e4, after };
    }),
    expected: {
      e1: { code: '23505', message: 'duplicate key value violates unique constraint "cc2_pkey"', detail: 'Key (id)=(7) already exists.', where: 'COPY cc2, line 7' },
      e2: { code: '23505', message: 'duplicate key value violates unique constraint "cc2_pkey"', detail: 'Key (id)=(30000) already exists.', where: 'COPY cc2, line 29991' },
      e3: { code: '23505', message: 'duplicate key value violates unique constraint "cc2_pkey"', detail: 'Key (id)=(7) already exists.', where: 'COPY cc2, line 4' },
      e4: { code: '23505', message: 'duplicate key value violates unique constraint "cc2_pkey"', detail: 'Key (id)=(7) already exists.', where: 'COPY cc2, line 3' },
      after: { n: 2 },
    },
  },
  {
    title: 'a REPEATABLE READ transaction whose snapshot predates the COPY does not see its rows',
    run: (port) => withClient(port, (a) => withClient(port, async (b) => {
      await a.query('DROP TABLE IF EXISTS cc3');
      await a.query(DDL('cc3'));
      await a.query("INSERT INTO cc3 (id) VALUES (1)");
      await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const before = (await b.query('SELECT count(*)::int AS n FROM cc3')).rows[0];
      const tag = await copy(a, 'COPY cc3 FROM STDIN', rows(range(2, 5001)));
      const during = (await b.query('SELECT count(*)::int AS n, max(id)::int AS hi FROM cc3')).rows[0];
      const point = (await b.query('SELECT count(*)::int AS n FROM cc3 WHERE id = 4000')).rows[0];
      await b.query('COMMIT');
      const after = (await b.query('SELECT count(*)::int AS n FROM cc3')).rows[0];
      return { before, tag, during, point, after };
    })),
    expected: { before: { n: 1 }, tag: 'COPY 5000', during: { n: 1, hi: 1 }, point: { n: 0 }, after: { n: 5001 } },
  },
  {
    title: 'a concurrent INSERT of a key the COPY has taken waits for the COPY, then gets 23505',
    run: (port) => withClient(port, (a) => withClient(port, async (b) => {
      await a.query('DROP TABLE IF EXISTS cc4');
      await a.query(DDL('cc4'));
      let inserting: Promise<unknown> | undefined;
      let settledEarly = false;
      let early: boolean | undefined;
      const tag = await copy(a, 'COPY cc4 FROM STDIN', '', (con) => {
        // More than the wire gathers before the COPY sees a batch (wire/statement.ts).
        con.sendCopyFromChunk(Buffer.from(rows(range(1, 20_000))));
        void (async () => {
          // Let the server take the first rows, then INSERT one of their keys.
          await new Promise((r) => setTimeout(r, 1000));
          inserting = b.query("INSERT INTO cc4 (id, note) VALUES (500, 'b')").then(() => 'inserted', errorOf);
          void inserting.then(() => (settledEarly = true));
          await new Promise((r) => setTimeout(r, 1000));
          early = settledEarly;
          con.sendCopyFromChunk(Buffer.from(rows(range(20_001, 21_000))));
          con.endCopyFrom();
        })();
      });
      const insert = await inserting;
      // An INSERT of a key the COPY never had is not held up.
      const other = await b.query("INSERT INTO cc4 (id, note) VALUES (50000, 'b')").then((r) => r.rowCount);
      const n = (await a.query("SELECT count(*)::int AS n, count(*) FILTER (WHERE note = 'b')::int AS nb FROM cc4")).rows[0];
      return { tag, early, insert, other, n };
    })),
    expected: {
      tag: 'COPY 21000',
      early: false,
      insert: { code: '23505', message: 'duplicate key value violates unique constraint "cc4_pkey"', detail: 'Key (id)=(500) already exists.', where: undefined },
      other: 1,
      n: { n: 21_001, nb: 1 },
    },
  },
  {
    title: 'two concurrent COPYs with common keys: the second waits for the first and fails with 23505 at its first common row',
    run: (port) => withClient(port, (a) => withClient(port, async (b) => {
      await a.query('DROP TABLE IF EXISTS cc6');
      await a.query(DDL('cc6'));
      let second: Promise<unknown> | undefined;
      const first = await copy(a, 'COPY cc6 FROM STDIN', '', (con) => {
        con.sendCopyFromChunk(Buffer.from(rows(range(1, 20_000))));
        void (async () => {
          await new Promise((r) => setTimeout(r, 1000));
          second = copy(b, 'COPY cc6 FROM STDIN', rows(range(15_001, 30_000))).then((t) => t, errorOf);
          await new Promise((r) => setTimeout(r, 1000));
          con.endCopyFrom();
        })();
      });
      const secondResult = await second;
      const n = (await a.query('SELECT count(*)::int AS n, max(id)::int AS hi FROM cc6')).rows[0];
      return { first, secondResult, n };
    })),
    expected: {
      first: 'COPY 20000',
      secondResult: { code: '23505', message: 'duplicate key value violates unique constraint "cc6_pkey"', detail: 'Key (id)=(15001) already exists.', where: 'COPY cc6, line 1' },
      n: { n: 20_000, hi: 20_000 },
    },
  },
  {
    title: 'a COPY followed by more statements in one Query (one implicit transaction): they see its rows; a later error undoes it',
    run: (port) => withClient(port, async (c) => {
      await c.query('DROP TABLE IF EXISTS cc5');
      await c.query(DDL('cc5'));
      await c.query("INSERT INTO cc5 (id) VALUES (0)");
      const ok = await copyQuery(c, 'COPY cc5 FROM STDIN; SELECT count(*), max(id) FROM cc5; UPDATE cc5 SET note = \'u\' WHERE id = 3', rows(range(1, 3000)));
      const afterOk = (await c.query("SELECT count(*)::int AS n, count(*) FILTER (WHERE note = 'u')::int AS u FROM cc5")).rows[0];
      const failed = await copyQuery(c, 'COPY cc5 FROM STDIN; SELECT count(*) FROM cc5; SELECT 1/0', rows(range(5000, 6000)));
      const afterFail = (await c.query('SELECT count(*)::int AS n FROM cc5')).rows[0];
      // A duplicate that only the second statement's own rows would show: the COPY's rows are its own.
      const own = await copyQuery(c, "COPY cc5 FROM STDIN; INSERT INTO cc5 (id) VALUES (7001)", rows(range(7000, 7002))).then((r) => r);
      const afterOwn = (await c.query('SELECT count(*)::int AS n FROM cc5')).rows[0];
      // The same under REPEATABLE READ (one snapshot: no per-statement hook moves the rows).
      await c.query("SET default_transaction_isolation = 'repeatable read'");
      const rr = await copyQuery(c, "COPY cc5 FROM STDIN; UPDATE cc5 SET note = 'rr' WHERE id = 8001; INSERT INTO cc5 (id) VALUES (8002)", rows(range(8000, 8002)));
      const rrOk = await copyQuery(c, "COPY cc5 FROM STDIN; UPDATE cc5 SET note = 'rr' WHERE id = 8101; SELECT count(*) FROM cc5 WHERE note = 'rr'", rows(range(8100, 8102)));
      await c.query('RESET default_transaction_isolation');
      const afterRr = (await c.query('SELECT count(*)::int AS n FROM cc5')).rows[0];
      return { ok, afterOk, failed, afterFail, own, afterOwn, rr, rrOk, afterRr };
    }),
    expected: {
      ok: ['COPY 3000', ['3001', '3000'], 'SELECT 1', 'UPDATE 1'],
      afterOk: { n: 3001, u: 1 },
      failed: { results: ['COPY 1001', ['4002'], 'SELECT 1'], error: { code: '22012', message: 'division by zero', detail: undefined, where: undefined } },
      afterFail: { n: 3001 },
      own: { results: ['COPY 3'], error: { code: '23505', message: 'duplicate key value violates unique constraint "cc5_pkey"', detail: 'Key (id)=(7001) already exists.', where: undefined } },
      afterOwn: { n: 3001 },
      rr: { results: ['COPY 3', 'UPDATE 1'], error: { code: '23505', message: 'duplicate key value violates unique constraint "cc5_pkey"', detail: 'Key (id)=(8002) already exists.', where: undefined } },
      rrOk: ['COPY 3', 'UPDATE 1', ['1'], 'SELECT 1'],
      afterRr: { n: 3004 },
    },
  },
];

const segFiles = (srv: RunningServer): string[] => readdirSync(join(srv.dataDir, 'lsm')).filter((n) => n.endsWith('.seg'));
const until = async (cond: () => boolean, ms = 10_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};

describeWithOracle('autocommit COPY into a committed table (published ingest)', cases, {
  more: () => {
    it('a client that disconnects mid-COPY: its files go, its keys are free again, nothing is visible', async () => {
      const srv = await startServer();
      try {
        await withClient(srv.port, (c) => c.query(DDL('d1')));
        const before = new Set(segFiles(srv));
        const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'postgres', database: 'postgres' });
        c.on('error', () => undefined);
        await c.connect();
        const data = Buffer.from(rows(range(1, 100_000)));
        let midFiles = 0;
        const ended = new Promise((r) => c.once('end', r));
        void copy(c, 'COPY d1 FROM STDIN', '', (con) => {
          for (let off = 0; off < data.length * 0.8; off += 60_000) con.sendCopyFromChunk(data.subarray(off, off + 60_000));
          void until(() => segFiles(srv).some((f) => !before.has(f))).then(() => {
            midFiles = segFiles(srv).filter((f) => !before.has(f)).length;
            con.stream.destroy();
          });
        }).catch(() => undefined);
        await ended;
        expect(midFiles).toBeGreaterThan(0);
        await until(() => segFiles(srv).every((f) => before.has(f)));
        expect(segFiles(srv).filter((f) => !before.has(f))).toEqual([]);
        // A key the COPY had taken: not held any more (this would wait forever otherwise).
        expect(await withClient(srv.port, async (b) => {
          await b.query("INSERT INTO d1 (id, note) VALUES (5, 'b')");
          return (await b.query('SELECT count(*)::int AS n FROM d1')).rows[0];
        })).toEqual({ n: 1 });
      } finally {
        await srv.stop();
      }
    }, 60_000);

    it('the rows survive a restart; kill -9 in the middle of a COPY leaves nothing of it', async () => {
      let srv = await startServer();
      try {
        await withClient(srv.port, async (c) => {
          await c.query(DDL('r1'));
          await c.query("INSERT INTO r1 (id) VALUES (0)");
          expect(await copy(c, 'COPY r1 FROM STDIN', rows(range(1, 30_000)))).toBe('COPY 30000');
        });
        await srv.stop();
        srv = await startServer([], { dataDir: srv.dataDir });
        expect(await withClient(srv.port, async (c) => (await c.query(summary + 'r1')).rows[0])).toEqual({ n: 30_001, s: '450015000', lo: 0, hi: 30_000, a: '450022500.00' });
        const before = new Set(segFiles(srv));
        // A COPY that has written files (not in the manifest) when the server is killed.
        const c = new pg.Client({ host: '127.0.0.1', port: srv.port, user: 'postgres', database: 'postgres' });
        c.on('error', () => undefined);
        await c.connect();
        const data = Buffer.from(rows(range(100_000, 200_000)));
        let midFiles = 0;
        const killed = new Promise<void>((resolve) => {
          void copy(c, 'COPY r1 FROM STDIN', '', (con) => {
            for (let off = 0; off < data.length * 0.8; off += 60_000) con.sendCopyFromChunk(data.subarray(off, off + 60_000));
            void until(() => segFiles(srv).some((f) => !before.has(f))).then(async () => {
              midFiles = segFiles(srv).filter((f) => !before.has(f)).length;
              await srv.stop('SIGKILL');
              resolve();
            });
          }).catch(() => undefined);
        });
        await killed;
        expect(midFiles).toBeGreaterThan(0);
        srv = await startServer([], { dataDir: srv.dataDir });
        expect(await withClient(srv.port, async (c2) => (await c2.query(summary + 'r1')).rows[0])).toEqual({ n: 30_001, s: '450015000', lo: 0, hi: 30_000, a: '450022500.00' });
        expect(segFiles(srv).filter((f) => !before.has(f))).toEqual([]);
      } finally {
        if (srv.proc.exitCode === null) await srv.stop();
      }
    }, 120_000);
  },
});
