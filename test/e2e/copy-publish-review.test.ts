// Adversarial review of the published ingest through the real server (autocommit COPY into a
// table committed earlier: planner/dml/copy-ingest.ts 'committed', lsm/db/publish.ts): snapshots
// older than the publish through every read path (point, range, count(*) by the vectorised
// aggregate, join, ORDER BY … DESC) before and after a compaction, keys deleted at every depth
// and re-loaded, UPDATE/DELETE after the publish across CHECKPOINT, VACUUM, restart and kill -9,
// concurrent COPYs (overlapping and disjoint keys) and writers, DDL racing a COPY, and COPYs that
// end early (statement_timeout, cancel, disconnect). Expected values are computed here (the
// statements are plain SQL whose PostgreSQL answers are arithmetic).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { startServer, type RunningServer } from './server.js';
import { copyIn, type CopyConnection } from './copy-in.js';

const copy = copyIn;

/** COPY … TO STDOUT's text through node-postgres (a Submittable). */
function copyOut(c: pg.Client, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const q = {
      submit: (con: CopyConnection) => con.query(text),
      handleCopyOutResponse: () => undefined,
      handleCopyData: (m: { chunk: Buffer }) => chunks.push(Buffer.from(m.chunk)), // a view into a reused buffer
      handleCommandComplete: () => undefined,
      handleReadyForQuery: () => resolve(Buffer.concat(chunks).toString()),
      handleError: (e: Error) => reject(e),
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
    };
    void c.query(q as unknown as pg.QueryConfig);
  });
}

const rows = (ids: Iterable<number>, note: string): string => {
  let s = '';
  for (const i of ids) s += `${i}\t${i % 50}\t${note}\n`;
  return s;
};
const range = (a: number, b: number, step = 1): number[] => {
  const out: number[] = [];
  for (let i = a; i <= b; i += step) out.push(i);
  return out;
};
const DDL = (t: string) => `CREATE TABLE ${t} (id bigint PRIMARY KEY, g int, note text)`;
const errorOf = (e: unknown) => ({ code: (e as pg.DatabaseError).code, message: (e as pg.DatabaseError).message, afterTag: (e as { afterTag?: string }).afterTag });
const until = async (cond: () => boolean, ms = 20_000): Promise<void> => {
  for (const end = Date.now() + ms; !cond() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function client(port: number): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
  c.on('error', () => undefined);
  await c.connect();
  return c;
}

/** What the table holds, by several read paths; compared with `expected` (id → note). */
async function checkTable(c: pg.Client, t: string, expected: Map<number, string>, what: string): Promise<void> {
  const ids = [...expected.keys()].sort((a, b) => a - b);
  const sum = ids.reduce((a, b) => a + b, 0);
  const agg = (await c.query(`SELECT count(*)::int AS n, coalesce(sum(id), 0)::text AS s, count(DISTINCT id)::int AS d FROM ${t}`)).rows[0];
  expect(agg, `${what}: count/sum`).toEqual({ n: ids.length, s: String(sum), d: ids.length });
  const scanned = (await c.query(`SELECT id::int AS id, note FROM ${t} ORDER BY id`)).rows as { id: number; note: string }[];
  expect(scanned.map((r) => r.id), `${what}: ids in order`).toEqual(ids);
  const wrong = scanned.filter((r) => expected.get(r.id) !== r.note).slice(0, 5);
  expect(wrong, `${what}: notes`).toEqual([]);
  const desc = (await c.query(`SELECT id::int AS id FROM ${t} ORDER BY id DESC LIMIT 5`)).rows.map((r) => r.id);
  expect(desc, `${what}: ORDER BY id DESC`).toEqual(ids.slice(-5).reverse());
  const byNote = (await c.query(`SELECT note, count(*)::int AS n FROM ${t} GROUP BY note ORDER BY note`)).rows;
  const want = new Map<string, number>();
  for (const n of expected.values()) want.set(n, (want.get(n) ?? 0) + 1);
  expect(byNote, `${what}: GROUP BY note`).toEqual([...want].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([note, n]) => ({ note, n })));
  for (const id of [ids[0], ids[Math.floor(ids.length / 2)], ids.at(-1)]) {
    if (id === undefined) continue;
    const r = (await c.query(`SELECT note FROM ${t} WHERE id = $1`, [id])).rows;
    expect(r, `${what}: point ${id}`).toEqual([{ note: expected.get(id) }]);
  }
}

const segFiles = (srv: RunningServer): string[] => readdirSync(join(srv.dataDir, 'lsm')).filter((n) => n.endsWith('.seg'));

/** A CancelRequest for `c`'s backend (the protocol's own cancel, as psql's Ctrl-C sends it). */
async function cancelRequest(port: number, c: pg.Client): Promise<void> {
  const { processID, secretKey } = c as unknown as { processID: number; secretKey: number };
  const msg = Buffer.alloc(16);
  msg.writeInt32BE(16, 0);
  msg.writeInt32BE(80877102, 4);
  msg.writeInt32BE(processID, 8);
  msg.writeInt32BE(secretKey, 12);
  await new Promise<void>((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(msg));
    sock.on('close', () => resolve());
    sock.on('error', reject);
  });
}

describe('published ingest review (real server)', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer();
  }, 60_000);
  afterAll(async () => {
    if (srv && srv.proc.exitCode === null) await srv.stop();
  });

  it('a REPEATABLE READ snapshot from before the COPY sees none of it by any read path, before and after a compaction; snapshots after see all', async () => {
    const a = await client(srv.port);
    const b = await client(srv.port);
    try {
      await a.query(DDL('rv1'));
      await a.query('CREATE TABLE rv1d (g int PRIMARY KEY, name text)');
      await a.query("INSERT INTO rv1d SELECT g, 'g' || g FROM generate_series(0, 49) g");
      await a.query("INSERT INTO rv1 SELECT i, i % 50, 'old' FROM generate_series(1, 2001, 2) i");
      await a.query('CHECKPOINT');
      await a.query('VACUUM');
      const queries = [
        'SELECT count(*)::int AS n, sum(id)::text AS s FROM rv1',
        'SELECT count(*)::int AS n FROM rv1 WHERE id BETWEEN 1000 AND 1500',
        'SELECT note FROM rv1 WHERE id = 1000',
        'SELECT note FROM rv1 WHERE id = 6000',
        'SELECT count(*)::int AS n, count(DISTINCT d.name)::int AS names FROM rv1 r JOIN rv1d d ON d.g = r.g',
        'SELECT id::int FROM rv1 ORDER BY id DESC LIMIT 3',
        'SELECT g, count(*)::int AS n FROM rv1 GROUP BY g ORDER BY g LIMIT 3',
        "SELECT count(*)::int AS n FROM rv1 WHERE note = 'copy'",
      ];
      const run = async (c: pg.Client) => {
        const out: unknown[] = [];
        for (const q of queries) out.push((await c.query(q)).rows);
        return out;
      };
      await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const before = await run(b);
      // Evens interleaved with the table's odd keys, and a block past its largest key.
      const tag = await copy(a, 'COPY rv1 FROM STDIN', rows([...range(2, 2000, 2), ...range(5000, 9000)], 'copy'));
      expect(tag).toBe('COPY 5001');
      expect(await run(b), 'old snapshot after the publish').toEqual(before);
      await a.query('CHECKPOINT');
      await a.query('VACUUM');
      expect(await run(b), 'old snapshot after a compaction').toEqual(before);
      // An UPDATE in the old snapshot of a row it cannot see finds nothing; of a published row it
      // does not see: nothing either (PostgreSQL: UPDATE 0).
      expect((await b.query("UPDATE rv1 SET note = 'b' WHERE id = 6000")).rowCount).toBe(0);
      await b.query('COMMIT');
      const expected = new Map<number, string>();
      for (const i of range(1, 2001, 2)) expected.set(i, 'old');
      for (const i of [...range(2, 2000, 2), ...range(5000, 9000)]) expected.set(i, 'copy');
      await checkTable(b, 'rv1', expected, 'after commit of the old snapshot');
      await b.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      const j = (await b.query('SELECT count(*)::int AS n FROM rv1 r JOIN rv1d d ON d.g = r.g')).rows[0];
      expect(j).toEqual({ n: expected.size });
      await b.query('COMMIT');
    } finally {
      await a.end();
      await b.end();
    }
  }, 120_000);

  it('keys deleted at every depth re-loaded by COPY: each row once; UPDATE/DELETE after it survive CHECKPOINT, VACUUM, restart and kill -9', async () => {
    let c = await client(srv.port);
    const expected = new Map<number, string>();
    try {
      await c.query(DDL('rv2'));
      await c.query("INSERT INTO rv2 SELECT i, i % 50, 'old' FROM generate_series(1, 3000) i");
      await c.query('CHECKPOINT');
      await c.query('VACUUM');
      await c.query('DELETE FROM rv2 WHERE id <= 1000');
      await c.query('CHECKPOINT');
      await c.query('VACUUM');
      await c.query('DELETE FROM rv2 WHERE id BETWEEN 1001 AND 2000');
      await c.query('CHECKPOINT');
      await c.query('DELETE FROM rv2 WHERE id BETWEEN 2001 AND 2999');
      expected.set(3000, 'old');
      expect(await copy(c, 'COPY rv2 FROM STDIN', rows(range(1, 2999), 'new'))).toBe('COPY 2999');
      for (const i of range(1, 2999)) expected.set(i, 'new');
      await checkTable(c, 'rv2', expected, 're-loaded');
      await c.query("UPDATE rv2 SET note = 'upd' WHERE id % 7 = 0");
      await c.query('DELETE FROM rv2 WHERE id % 11 = 0');
      for (const i of [...expected.keys()]) {
        if (i % 11 === 0) expected.delete(i);
        else if (i % 7 === 0) expected.set(i, 'upd');
      }
      await checkTable(c, 'rv2', expected, 'after UPDATE/DELETE');
      await c.query('CHECKPOINT');
      await c.query('VACUUM');
      await checkTable(c, 'rv2', expected, 'after CHECKPOINT + VACUUM');
      // Deleted keys re-loaded once more (tombstones newer than the first publish).
      expect(await copy(c, 'COPY rv2 FROM STDIN', rows(range(11, 2999, 11), 'again'))).toBe(`COPY ${range(11, 2999, 11).length}`);
      for (const i of range(11, 2999, 11)) expected.set(i, 'again');
      await checkTable(c, 'rv2', expected, 'second re-load');
      await c.end();
      await srv.stop();
      srv = await startServer([], { dataDir: srv.dataDir });
      c = await client(srv.port);
      await checkTable(c, 'rv2', expected, 'after restart');
      await c.query("UPDATE rv2 SET note = 'upd2' WHERE id % 13 = 0");
      for (const i of [...expected.keys()]) if (i % 13 === 0) expected.set(i, 'upd2');
      expect(await copy(c, 'COPY rv2 FROM STDIN', rows(range(4000, 4999), 'late'))).toBe('COPY 1000');
      for (const i of range(4000, 4999)) expected.set(i, 'late');
      await c.end();
      await srv.stop('SIGKILL');
      srv = await startServer([], { dataDir: srv.dataDir });
      c = await client(srv.port);
      await checkTable(c, 'rv2', expected, 'after kill -9');
      // A commit after the restart is newer than every published row.
      await c.query("UPDATE rv2 SET note = 'final' WHERE id IN (1, 4000, 4999)");
      for (const i of [1, 4000, 4999]) expected.set(i, 'final');
      await c.query('CHECKPOINT');
      await c.query('VACUUM');
      await checkTable(c, 'rv2', expected, 'after restart, update, compaction');
    } finally {
      await c.end().catch(() => undefined);
    }
  }, 180_000);

  it('two COPYs of overlapping keys at once: at most one succeeds, and a COPY that reported success has every row', async () => {
    const a = await client(srv.port);
    const b = await client(srv.port);
    try {
      for (let round = 0; round < 4; round++) {
        const t = `rv3_${round}`;
        await a.query(DDL(t));
        await a.query(`INSERT INTO ${t} VALUES (0, 0, 'seed')`);
        const ra = range(1, 20_000);
        const rb = range(10_001 + round * 1000, 30_000);
        const [pa, pb] = await Promise.allSettled([copy(a, `COPY ${t} FROM STDIN`, rows(ra, 'a')), copy(b, `COPY ${t} FROM STDIN`, rows(rb, 'b'))]);
        for (const p of [pa, pb]) if (p.status === 'rejected') expect(errorOf(p.reason).code, `round ${round}`).toBe('23505');
        expect(pa.status === 'fulfilled' && pb.status === 'fulfilled', `round ${round}: both overlapping COPYs succeeded`).toBe(false);
        const expected = new Map<number, string>([[0, 'seed']]);
        if (pa.status === 'fulfilled') {
          expect(pa.value).toBe('COPY 20000');
          for (const i of ra) expected.set(i, 'a');
        }
        if (pb.status === 'fulfilled') {
          expect(pb.value).toBe(`COPY ${rb.length}`);
          for (const i of rb) expected.set(i, 'b');
        }
        await checkTable(a, t, expected, `round ${round} (${pa.status}/${pb.status})`);
      }
    } finally {
      await a.end();
      await b.end();
    }
  }, 180_000);

  // Found by this review (00:58): the second COPY validated at its end while the first was not
  // published yet (its close() did not wait for another bulk hold), sent CommandComplete
  // "COPY 20000", and got 23505 from the re-validation at its commit (PublishIngest.publish) —
  // after that CommandComplete (wire/query.ts endBracket). PostgreSQL's second COPY waits for the
  // first and fails with 23505 alone. Fixed in ab464cd; the first COPY's commit here is slowed by
  // the memtable flush its publish needs (a tombstone of a key in its range in a big memtable).
  it('two COPYs of the same keys, both validated before either commits: the loser gets 23505 without a CommandComplete before it', async () => {
    const [a, b, c] = await Promise.all([client(srv.port), client(srv.port), client(srv.port)]);
    try {
      await c.query(DDL('rv8'));
      await c.query('CREATE TABLE rv8big (id bigint PRIMARY KEY, pad text)');
      await c.query("INSERT INTO rv8 VALUES (0, 0, 'seed'), (5, 0, 'x')");
      await c.query('CHECKPOINT');
      await c.query('DELETE FROM rv8 WHERE id = 5');
      await c.query("INSERT INTO rv8big SELECT g, repeat('p', 200) FROM generate_series(1, 200000) g");
      const [pa, pb] = await Promise.allSettled([copy(a, 'COPY rv8 FROM STDIN', rows(range(1, 20_000), 'a')), copy(b, 'COPY rv8 FROM STDIN', rows(range(1, 20_000), 'b'))]);
      const outcomes = [pa, pb].map((p) => (p.status === 'fulfilled' ? p.value : errorOf(p.reason)));
      expect(outcomes.filter((o) => o === 'COPY 20000').length, JSON.stringify(outcomes)).toBe(1);
      const failed = outcomes.find((o) => o !== 'COPY 20000') as ReturnType<typeof errorOf>;
      expect(failed.code).toBe('23505');
      const winner = pa.status === 'fulfilled' ? 'a' : 'b';
      await checkTable(c, 'rv8', new Map([[0, 'seed'], ...range(1, 20_000).map((i) => [i, winner] as [number, string])]), 'after the race');
      expect(failed.afterTag, 'CommandComplete sent before the error').toBeUndefined();
    } finally {
      await Promise.all([a.end(), b.end(), c.end()]);
    }
  }, 120_000);

  it('two COPYs of interleaved keys and a writer of the keys between them, all at once: every row exactly once', async () => {
    const [a, b, w] = await Promise.all([client(srv.port), client(srv.port), client(srv.port)]);
    try {
      await a.query(DDL('rv4'));
      // Rows at 4i+3 exist: the writer updates and deletes them while the COPYs run.
      await a.query("INSERT INTO rv4 SELECT 4 * i + 3, 0, 'old' FROM generate_series(0, 9999) i");
      await a.query('CHECKPOINT');
      const expected = new Map<number, string>();
      for (let i = 0; i < 10_000; i++) expected.set(4 * i + 3, 'old');
      const writer = (async () => {
        for (let i = 0; i < 200; i++) {
          const base = 4 * ((i * 37) % 10_000);
          await w.query('INSERT INTO rv4 VALUES ($1, 0, $2)', [base + 2, 'w']);
          await w.query("UPDATE rv4 SET note = 'wu' WHERE id = $1", [base + 3]);
          if (i % 3 === 0) await w.query('DELETE FROM rv4 WHERE id = $1', [base + 3]);
        }
      })();
      const ka = range(0, 39_999, 4);
      const kb = range(1, 39_999, 4);
      const [ta, tb] = await Promise.all([copy(a, 'COPY rv4 FROM STDIN', rows(ka, 'a')), copy(b, 'COPY rv4 FROM STDIN', rows(kb, 'b')), writer]);
      expect([ta, tb]).toEqual(['COPY 10000', 'COPY 10000']);
      for (const i of ka) expected.set(i, 'a');
      for (const i of kb) expected.set(i, 'b');
      for (let i = 0; i < 200; i++) {
        const base = 4 * ((i * 37) % 10_000);
        expected.set(base + 2, 'w');
        expected.set(base + 3, 'wu');
        if (i % 3 === 0) expected.delete(base + 3);
      }
      await checkTable(a, 'rv4', expected, 'after the race');
      await a.query('CHECKPOINT');
      await a.query('VACUUM');
      await checkTable(a, 'rv4', expected, 'after compaction');
    } finally {
      await Promise.all([a.end(), b.end(), w.end()]);
    }
  }, 180_000);

  it('a writer holding one of the COPY\'s keys decides it: its DELETE committed lets the COPY in, its INSERT rolled back too, its INSERT committed or a FOR UPDATE of a live row makes the COPY a duplicate', async () => {
    const [a, w] = await Promise.all([client(srv.port), client(srv.port)]);
    try {
      await a.query(DDL('rv9'));
      await a.query("INSERT INTO rv9 SELECT i, 0, 'old' FROM generate_series(1, 4000, 100) i"); // 1, 101, ..., 3901
      const expected = new Map<number, string>(range(1, 4000, 100).map((i) => [i, 'old']));
      const copyWhile = async (hold: string, finish: string, ids: number[], note: string) => {
        await w.query('BEGIN');
        await w.query(hold);
        const p = copy(a, 'COPY rv9 FROM STDIN', rows(ids, note)).then((t) => t, errorOf);
        await sleep(700);
        await w.query(finish);
        return p;
      };
      // DELETE of a live row in the COPY's range, committed: the COPY takes the key.
      expect(await copyWhile('DELETE FROM rv9 WHERE id = 101', 'COMMIT', range(100, 199), 'c1')).toBe('COPY 100');
      for (const i of range(100, 199)) expected.set(i, 'c1');
      // DELETE rolled back: the row stays, the COPY is a duplicate.
      expect(await copyWhile('DELETE FROM rv9 WHERE id = 201', 'ROLLBACK', range(200, 299), 'lost')).toMatchObject({ code: '23505' });
      // INSERT of a new key rolled back: the COPY takes it.
      expect(await copyWhile("INSERT INTO rv9 VALUES (350, 0, 'w')", 'ROLLBACK', range(302, 399), 'c2')).toBe('COPY 98');
      for (const i of range(302, 399)) expected.set(i, 'c2');
      // INSERT of a new key committed: duplicate.
      expect(await copyWhile("INSERT INTO rv9 VALUES (450, 0, 'w')", 'COMMIT', range(402, 499), 'lost')).toMatchObject({ code: '23505' });
      expected.set(450, 'w');
      // SELECT … FOR UPDATE of a live row: the row stays, duplicate.
      expect(await copyWhile('SELECT * FROM rv9 WHERE id = 501 FOR UPDATE', 'COMMIT', range(500, 599), 'lost')).toMatchObject({ code: '23505' });
      // UPDATE of a live row's key away from the COPY's range, committed: the key is free.
      expect(await copyWhile('UPDATE rv9 SET id = 100000 WHERE id = 601', 'COMMIT', range(600, 699), 'c3')).toBe('COPY 100');
      expected.delete(601);
      expected.set(100_000, 'old');
      for (const i of range(600, 699)) expected.set(i, 'c3');
      await checkTable(a, 'rv9', expected, 'after the writers');
      await a.query('CHECKPOINT');
      await a.query('VACUUM');
      await checkTable(a, 'rv9', expected, 'after compaction');
    } finally {
      await Promise.all([a.end(), w.end()]);
    }
  }, 120_000);

  it('every column type survives the published files and their rewrite by compaction: COPY into a committed table = INSERT of the same rows, before and after VACUUM and a restart', async () => {
    let c = await client(srv.port);
    try {
      const cols = "id bigint PRIMARY KEY, i2 smallint, i4 int, f8 float8, n numeric(20,6), t text, vc varchar(12), bc char(5), b bool, d date, ts timestamp, tz timestamptz, iv interval, by bytea, u uuid, j jsonb, arr int[], ta text[]";
      await c.query(`CREATE TABLE rv10a (${cols})`);
      await c.query(`CREATE TABLE rv10b (${cols})`);
      const gen = `SELECT g, (g % 30000)::smallint, g * 7, g / 3.0, (g * 1.000001)::numeric(20,6), CASE WHEN g % 17 = 0 THEN NULL ELSE 'text ' || g || E'\\ttab' END,
        left('v' || g, 12), left('c' || g, 5), g % 2 = 0, DATE '2020-01-01' + g % 1000, TIMESTAMP '2020-01-01 00:00:00' + g * INTERVAL '1 minute',
        TIMESTAMPTZ '2020-01-01 00:00:00+00' + g * INTERVAL '1 second', g * INTERVAL '1 hour', decode(lpad(to_hex(g), 8, '0'), 'hex'),
        ('00000000-0000-0000-0000-' || lpad(to_hex(g), 12, '0'))::uuid, jsonb_build_object('g', g, 'a', jsonb_build_array(g, 'x')),
        ARRAY[g, g + 1, NULL], ARRAY['a' || g, NULL, 'q"uote'] FROM generate_series`;
      // Existing rows in both (so the COPY takes the published path), flushed as four level-0
      // files that each span the COPY's key range: its files are published at level 0 and the
      // VACUUM below must compact them (Compactor.readInput rewrites them with their seq).
      for (let part = 0; part < 4; part++) {
        await c.query(`INSERT INTO rv10a ${gen}(${1 + part * 3}, 6000, 12) g`);
        await c.query(`INSERT INTO rv10b ${gen}(${1 + part * 3}, 6000, 12) g`);
        await c.query('CHECKPOINT');
      }
      // The COPY's data is what PostgreSQL's COPY TO gives for the INSERTed rows.
      await c.query(`CREATE TABLE rv10src (${cols})`);
      await c.query(`INSERT INTO rv10src ${gen}(2, 6000, 3) g`);
      const text = await copyOut(c, 'COPY rv10src TO STDOUT');
      const before = new Set(segFiles(srv));
      expect(await copy(c, 'COPY rv10a FROM STDIN', text)).toBe('COPY 2000');
      const published = segFiles(srv).filter((f) => !before.has(f));
      expect(published.length).toBeGreaterThan(0);
      await c.query('INSERT INTO rv10b SELECT * FROM rv10src');
      const dump = async (t: string) => (await c.query(`SELECT * FROM ${t} ORDER BY id`)).rows.map((r) => JSON.stringify(r));
      const same = async (what: string) => {
        const [x, y] = [await dump('rv10a'), await dump('rv10b')];
        expect(x.length, what).toBe(4000);
        expect(x.filter((r, i) => r !== y[i]).slice(0, 3), what).toEqual([]);
        const agg = 'SELECT count(*)::int, sum(n)::text, sum(i4)::text, count(t)::int, max(tz)::text, sum(f8)::text FROM ';
        expect((await c.query(agg + 'rv10a')).rows, what).toEqual((await c.query(agg + 'rv10b')).rows);
      };
      await same('after the COPY');
      await c.query('CHECKPOINT');
      await c.query('VACUUM');
      expect(segFiles(srv).filter((f) => published.includes(f)), 'the published files were compacted').toEqual([]);
      await same('after VACUUM');
      await c.end();
      await srv.stop();
      srv = await startServer([], { dataDir: srv.dataDir });
      c = await client(srv.port);
      await same('after a restart');
    } finally {
      await c.end().catch(() => undefined);
    }
  }, 120_000);

  it('INSERT … ON CONFLICT of keys a running COPY has taken waits for it, then acts on the published row (DO UPDATE updates it, DO NOTHING leaves it; REPEATABLE READ: 40001)', async () => {
    const [a, u] = await Promise.all([client(srv.port), client(srv.port)]);
    try {
      await a.query(DDL('rv11'));
      await a.query("INSERT INTO rv11 VALUES (0, 0, 'old')");
      const upserts = [
        "INSERT INTO rv11 VALUES (500, 0, 'u') ON CONFLICT (id) DO UPDATE SET note = 'upserted'",
        "INSERT INTO rv11 VALUES (600, 0, 'u') ON CONFLICT DO NOTHING",
        "INSERT INTO rv11 VALUES (700, 0, 'u') ON CONFLICT (id) DO UPDATE SET note = rv11.note || '+u'",
      ];
      const results: unknown[] = [];
      const tag = await copy(a, 'COPY rv11 FROM STDIN', '', (con) => {
        con.sendCopyFromChunk(Buffer.from(rows(range(1, 20_000), 'copy')));
        void (async () => {
          await sleep(400);
          const pending = upserts.map(async (q) => {
            const c = await client(srv.port);
            try {
              return await c.query(q).then((r) => r.rowCount, errorOf);
            } finally {
              await c.end();
            }
          });
          await sleep(600);
          con.sendCopyFromChunk(Buffer.from(rows(range(20_001, 21_000), 'copy')));
          con.endCopyFrom();
          results.push(...(await Promise.all(pending)));
        })();
      });
      expect(tag).toBe('COPY 21000');
      await until(() => results.length === 3);
      expect(results).toEqual([1, 0, 1]);
      const got = (await a.query('SELECT id::int, note FROM rv11 WHERE id IN (500, 600, 700) ORDER BY id')).rows;
      expect(got).toEqual([{ id: 500, note: 'upserted' }, { id: 600, note: 'copy' }, { id: 700, note: 'copy+u' }]);
      // REPEATABLE READ whose snapshot predates the COPY: the conflicting row is invisible to it.
      await u.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await u.query('SELECT 1 FROM rv11 WHERE id = 0');
      expect(await copy(a, 'COPY rv11 FROM STDIN', rows(range(30_000, 30_010), 'copy2'))).toBe('COPY 11');
      // PostgreSQL 15 raises 40001 at the INSERT (planner/dml/insert.ts checkConflictVisible,
      // as for any row committed after the snapshot); COMMIT then ends the aborted transaction.
      const rr = await u.query("INSERT INTO rv11 VALUES (30005, 0, 'u') ON CONFLICT (id) DO UPDATE SET note = 'rr'").then((r) => r.rowCount, errorOf);
      expect(rr).toMatchObject({ code: '40001' });
      expect((await u.query('COMMIT')).command).toBe('ROLLBACK');
      expect((await a.query('SELECT note FROM rv11 WHERE id = 30005')).rows).toEqual([{ note: 'copy2' }]);
    } finally {
      await Promise.all([a.end(), u.end()]);
    }
  }, 120_000);

  it('a table without a primary key: COPYs and INSERTs at once keep every row', async () => {
    const [a, b, w] = await Promise.all([client(srv.port), client(srv.port), client(srv.port)]);
    try {
      await a.query('CREATE TABLE rv5 (id bigint, g int, note text)');
      await a.query("INSERT INTO rv5 SELECT i, 0, 'old' FROM generate_series(1, 1000) i");
      const writer = (async () => {
        for (let i = 0; i < 100; i++) await w.query("INSERT INTO rv5 VALUES ($1, 0, 'w')", [100_000 + i]);
      })();
      const [ta, tb] = await Promise.all([copy(a, 'COPY rv5 FROM STDIN', rows(range(10_001, 30_000), 'a')), copy(b, 'COPY rv5 FROM STDIN', rows(range(30_001, 50_000), 'b')), writer]);
      expect([ta, tb]).toEqual(['COPY 20000', 'COPY 20000']);
      const got = (await a.query('SELECT note, count(*)::int AS n, count(DISTINCT id)::int AS d FROM rv5 GROUP BY note ORDER BY note')).rows;
      expect(got).toEqual([{ note: 'a', n: 20_000, d: 20_000 }, { note: 'b', n: 20_000, d: 20_000 }, { note: 'old', n: 1000, d: 1000 }, { note: 'w', n: 100, d: 100 }]);
      await a.query('VACUUM');
      expect((await a.query('SELECT count(*)::int AS n FROM rv5')).rows[0]).toEqual({ n: 41_100 });
    } finally {
      await Promise.all([a.end(), b.end(), w.end()]);
    }
  }, 120_000);

  // ALTER TABLE … ADD COLUMN … DEFAULT that waited for the table's lock used to fill the default
  // only into the rows of the snapshot its statement took BEFORE the wait (rows committed by the
  // transaction it waited for read the new column as NULL; PostgreSQL 15 gives the default).
  // Fixed: planner/ddl/alter.ts lockTable() retakes a READ COMMITTED snapshot after the lock.
  for (const ddl of ['TRUNCATE rv6', 'DROP TABLE rv6', 'ALTER TABLE rv6 ADD COLUMN x int DEFAULT 5'] as const) {
    it(`${ddl} issued while a COPY into the table runs waits for it (PostgreSQL: COPY holds RowExclusiveLock) and then sees its rows`, async () => {
      const [a, b] = await Promise.all([client(srv.port), client(srv.port)]);
      try {
        await a.query('DROP TABLE IF EXISTS rv6');
        await a.query(DDL('rv6'));
        await a.query("INSERT INTO rv6 VALUES (0, 0, 'old')");
        let ddlDone = false;
        let ddlResult: Promise<unknown> | undefined;
        let doneEarly: boolean | undefined;
        const tag = await copy(a, 'COPY rv6 FROM STDIN', '', (con) => {
          con.sendCopyFromChunk(Buffer.from(rows(range(1, 20_000), 'copy')));
          void (async () => {
            await sleep(300);
            ddlResult = b.query(ddl).then(() => (ddlDone = true), (e) => errorOf(e));
            await sleep(500);
            doneEarly = ddlDone;
            con.sendCopyFromChunk(Buffer.from(rows(range(20_001, 21_000), 'copy')));
            con.endCopyFrom();
          })();
        });
        expect(tag).toBe('COPY 21000');
        expect(await ddlResult).toBe(true);
        expect(doneEarly, 'the DDL finished while the COPY was still running').toBe(false);
        if (ddl.startsWith('TRUNCATE')) {
          expect((await a.query('SELECT count(*)::int AS n FROM rv6')).rows[0]).toEqual({ n: 0 });
          expect(await copy(a, 'COPY rv6 FROM STDIN', rows(range(1, 100), 'again'))).toBe('COPY 100');
          await checkTable(a, 'rv6', new Map(range(1, 100).map((i) => [i, 'again'])), 'after TRUNCATE and a new COPY');
        } else if (ddl.startsWith('DROP')) {
          await a.query(DDL('rv6'));
          expect((await a.query('SELECT count(*)::int AS n FROM rv6')).rows[0]).toEqual({ n: 0 });
          expect(await copy(a, 'COPY rv6 FROM STDIN', rows(range(1, 100), 'again'))).toBe('COPY 100');
          await checkTable(a, 'rv6', new Map(range(1, 100).map((i) => [i, 'again'])), 'after DROP, CREATE and a new COPY');
        } else {
          expect((await a.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE x = 5)::int AS x5 FROM rv6')).rows[0]).toEqual({ n: 21_001, x5: 21_001 });
          await a.query('VACUUM');
          expect((await a.query('SELECT count(*)::int AS n, count(*) FILTER (WHERE x = 5)::int AS x5 FROM rv6')).rows[0]).toEqual({ n: 21_001, x5: 21_001 });
        }
      } finally {
        await Promise.all([a.end(), b.end()]);
      }
    }, 120_000);
  }

  it('a COPY that ends early (statement_timeout or cancel while it waits at its end for a writer of one of its keys, bad data, CopyFail, disconnect): nothing visible, its keys free, a later COPY of the same keys fine', async () => {
    const [a, b, w] = await Promise.all([client(srv.port), client(srv.port), client(srv.port)]);
    try {
      await a.query(DDL('rv7'));
      await a.query("INSERT INTO rv7 VALUES (0, 0, 'old')");
      const expected = new Map<number, string>([[0, 'old']]);
      // statement_timeout while the COPY waits for a writer holding one of its keys (PostgreSQL
      // waits at that row's unique check and times out the same way).
      await w.query('BEGIN');
      await w.query("INSERT INTO rv7 VALUES (15000, 0, 'w')");
      await a.query("SET statement_timeout = '1500ms'");
      const e1 = await copy(a, 'COPY rv7 FROM STDIN', rows(range(1, 20_000), 'lost')).then(() => undefined, errorOf);
      expect(e1?.code).toBe('57014');
      await a.query('RESET statement_timeout');
      await checkTable(b, 'rv7', expected, 'after statement_timeout');
      expect((await b.query("INSERT INTO rv7 VALUES (5, 0, 'b')")).rowCount, 'a key of the timed-out COPY is free').toBe(1);
      expected.set(5, 'b');
      // cancel of the same wait from another session
      const cancelled = copy(a, 'COPY rv7 FROM STDIN', rows(range(6, 20_000), 'lost')).then(() => undefined, errorOf);
      await sleep(1500);
      await cancelRequest(srv.port, a);
      expect((await cancelled)?.code).toBe('57014');
      await checkTable(b, 'rv7', expected, 'after cancel');
      expect((await b.query("INSERT INTO rv7 VALUES (6, 0, 'b')")).rowCount).toBe(1);
      expected.set(6, 'b');
      await w.query('COMMIT');
      expected.set(15000, 'w');
      // bad data after many rows
      const e3 = await copy(a, 'COPY rv7 FROM STDIN', rows(range(7, 14_000), 'lost') + '14001\tnot a number\tx\n').then(() => undefined, errorOf);
      expect(e3?.code).toBe('22P02');
      await checkTable(b, 'rv7', expected, 'after bad data');
      // CopyFail from the client
      const e4 = await copy(a, 'COPY rv7 FROM STDIN', '', (con) => {
        con.sendCopyFromChunk(Buffer.from(rows(range(7, 14_000), 'lost')));
        (con as unknown as { sendCopyFail(m: string): void }).sendCopyFail('client gave up');
      }).then(() => undefined, errorOf);
      expect(e4?.code).toBe('57014');
      await checkTable(b, 'rv7', expected, 'after CopyFail');
      // disconnect
      const d = await client(srv.port);
      void copy(d, 'COPY rv7 FROM STDIN', '', (con) => {
        con.sendCopyFromChunk(Buffer.from(rows(range(7, 14_000), 'lost')));
        void sleep(500).then(() => con.stream.destroy());
      }).catch(() => undefined);
      await sleep(1500);
      await checkTable(b, 'rv7', expected, 'after disconnect');
      expect((await b.query("INSERT INTO rv7 VALUES (7, 0, 'b')")).rowCount).toBe(1);
      expected.set(7, 'b');
      expect(await copy(a, 'COPY rv7 FROM STDIN', rows(range(8, 14_999), 'ok'))).toBe('COPY 14992');
      for (const i of range(8, 14_999)) expected.set(i, 'ok');
      await checkTable(b, 'rv7', expected, 'after a later COPY');
    } finally {
      await Promise.all([a.end(), b.end(), w.end()]);
    }
  }, 120_000);
});
