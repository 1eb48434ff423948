// The same COPY input through both COPY paths — ingest (table created in the transaction: rows
// go through lsm ColumnChunk into segment files) and the row path (table committed earlier:
// the transaction's write set) — gives the same SELECT output and the same errors (SQLSTATE,
// message, CONTEXT line), for every cell kind the column builders have (number, bigint,
// string, bytes, bool), NULLs, escapes, non-ASCII text, and a table without a primary key.
// A third path, the published ingest (an autocommit COPY into a table committed earlier), gives
// the same too. Both ingests take text-format rows through the staged, columnar add
// (copy-staged.ts) where they can.
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, Client } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});


const copyIn = (c: Client, sql: string, data: Parameters<Client['copyIn']>[1]): Promise<string> => c.copyIn(sql, data);

const COLS = '(id bigint PRIMARY KEY, b bool, f float8, s smallint, n int, amount numeric(12,2), x numeric, note text, v varchar(6), raw bytea, ts timestamptz, d date)';
const NOPK = '(id bigint, note text, amount numeric(8,3))';

function row(i: number): string {
  const nul = (k: number, v: string): string => (i % k === 0 ? '\\N' : v);
  const note = i % 11 === 0 ? `tab\\there ${i}` : i % 13 === 0 ? `ünïcödé ${i} 😀` : `note number ${i}`;
  return [
    String(i),
    nul(5, i % 2 === 0 ? 't' : 'f'),
    nul(7, i % 3 === 0 ? 'NaN' : String(i / 8 - 100)),
    nul(4, String((i % 60000) - 30000)),
    String(i * 7 - 5000),
    nul(6, i % 9 === 0 ? `${i}.1` : `${i}.25`),
    nul(8, `${i}.${'0'.repeat(i % 4)}1`),
    nul(10, note),
    nul(3, `v${i % 1000}`),
    nul(9, `\\\\x${(i & 0xff).toString(16).padStart(2, '0')}ff`),
    nul(12, `2024-0${1 + (i % 9)}-1${i % 10} 0${i % 10}:1${i % 6}:0${i % 10}+0${i % 5}`),
    nul(14, `2023-1${i % 3}-0${1 + (i % 9)}`),
  ].join('\t');
}
const input = (from: number, to: number, f = row): string => Array.from({ length: to - from + 1 }, (_, k) => f(from + k) + '\n').join('');

/** Loads `chunks` into a fresh table (ingest) and into one committed earlier (row path); returns both outcomes. */
async function bothPaths(cols: string, chunks: string[], select: string): Promise<Array<{ result: string | { code: string; message: string; where: string | undefined }; rows: string[][] }>> {
  const o = await openEngine();
  engine = o.engine;
  const c = Client.open(engine);
  const out = [];
  for (const path of ['fresh', 'rows', 'published'] as const) {
    const t = path;
    const fresh = path === 'fresh';
    if (!fresh) await c.query(`CREATE TABLE ${t} ${cols}`);
    if (path !== 'published') await c.query('BEGIN');
    if (fresh) await c.query(`CREATE TABLE ${t} ${cols}`);
    let result: string | { code: string; message: string; where: string | undefined };
    try {
      result = await copyIn(c, `COPY ${t} FROM STDIN`, chunks);
      if (path !== 'published') await c.query('COMMIT');
    } catch (e) {
      if (!(e instanceof DbError)) throw e;
      result = { code: e.code, message: e.message, where: e.fields.where?.replace(/(fresh|rows|published)/, 't') };
      if (path !== 'published') await c.query('ROLLBACK');
    }
    const rows = result instanceof Object ? [] : (await c.query(select.replace('$t', t))).text;
    out.push({ result, rows });
  }
  return out;
}

describe('COPY: ingest and row path agree', () => {
  it('same rows for every cell kind, NULLs, escapes and non-ASCII text', async () => {
    const text = input(1, 5000);
    const [ingest, rowPath] = await bothPaths(COLS, [text.slice(0, 12345), text.slice(12345)], 'SELECT * FROM $t ORDER BY id');
    expect(ingest!.result).toBe('COPY 5000');
    expect(rowPath!.result).toBe('COPY 5000');
    expect(ingest!.rows.length).toBe(5000);
    expect(ingest!.rows).toEqual(rowPath!.rows);
  });

  it('the published ingest gives the same rows and errors as the row path', async () => {
    const text = input(1, 3000);
    const [, rowPath, published] = await bothPaths(COLS, [text.slice(0, 7777), text.slice(7777)], 'SELECT * FROM $t ORDER BY id');
    expect(published!.result).toBe('COPY 3000');
    expect(published!.rows).toEqual(rowPath!.rows);
    const dup = input(1, 1500) + input(1500, 1500);
    const [a, b, c] = await bothPaths(COLS, [dup], 'SELECT 1');
    expect(norm(c!.result)).toEqual(norm(b!.result));
    expect(norm(c!.result)).toEqual(norm(a!.result));
  });

  it('random rows with every class of bad input: the same outcome on all three paths', async () => {
    // NOT NULL on a non-key column, CHECK-free (the columnar add applies), varchar(4), bpchar(3).
    const cols = '(id bigint PRIMARY KEY, ts timestamptz NOT NULL, n int, s smallint, amount numeric(6,2), x numeric, note text, v varchar(4), c char(3), w timestamp, b bool)';
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const good = (i: number): string[] => [String(i), `2024-03-0${1 + rnd(9)} 1${rnd(10)}:0${rnd(10)}:00.${rnd(1000)}+0${rnd(3)}`, String(rnd(100000) - 50000), String(rnd(60000) - 30000), `${rnd(9999)}.${rnd(10)}`, `${rnd(100)}.${'0'.repeat(rnd(3))}${rnd(10)}`, rnd(7) === 0 ? `ünï 😀 ${i}` : `note ${i}`, `v${rnd(100)}`, rnd(2) ? 'ab' : 'abc', `2024-01-01 00:00:0${rnd(10)}`, rnd(2) ? 't' : 'f'];
    const bad: Array<[number, string]> = [
      [0, '\\N'], [0, '\\\\N'], [0, '9223372036854775808'], [0, '+5'], [1, '\\N'], [1, '2024-02-30 00:00:00+00'], [1, 'infinity'], [1, '2024-03-10 02:30:00'],
      [2, '2147483648'], [2, ' 7'], [3, '32768'], [4, '10000.00'], [4, '1.005'], [4, '-0.00'], [5, 'NaN'], [6, 'a\\tb'], [6, '\\x41'], [6, 'a\tb'], [7, 'abcde'], [7, 'äöüß'],
      [8, 'abcd'], [8, 'ä'], [9, '2024-01-01 00:00:00+05'], [10, 'maybe'], [-1, 'x'], [-2, ''],
    ];
    for (let round = 0; round < 12; round++) {
      const n = 200 + rnd(600);
      const badLine = round === 0 ? -1 : 1 + rnd(n);
      const [field, value] = bad[rnd(bad.length)]!;
      const lines: string[] = [];
      for (let i = 1; i <= n; i++) {
        const f = good(i);
        if (rnd(5) === 0) f[2 + rnd(9)] = '\\N';
        if (i === badLine) {
          if (field === -1) f.push(value);
          else if (field === -2) f.pop();
          else f[field] = value;
        }
        lines.push(f.join('\t') + '\n');
      }
      const text = lines.join('');
      const cut = rnd(text.length);
      const outs = await bothPaths(cols, [text.slice(0, cut), text.slice(cut)], 'SELECT * FROM $t ORDER BY id');
      expect(norm(outs[0]!.result), `round ${round}`).toEqual(norm(outs[1]!.result));
      expect(norm(outs[2]!.result), `round ${round}`).toEqual(norm(outs[1]!.result));
      expect(outs[0]!.rows).toEqual(outs[1]!.rows);
      expect(outs[2]!.rows).toEqual(outs[1]!.rows);
      await engine?.close();
      engine = undefined;
    }
  });

  it('same rows without a primary key (hidden row ids) and with keys out of order (the ingest falls back)', async () => {
    const noPk = input(1, 3000, (i) => `${i % 17}\tn${i}\t${i % 5 === 0 ? '\\N' : `${i}.5`}`);
    const [a, b] = await bothPaths(NOPK, [noPk], 'SELECT id, note, amount FROM $t ORDER BY note');
    expect(a!.result).toBe('COPY 3000');
    expect(a!.rows).toEqual(b!.rows);
    const shuffled = input(1, 2000) + input(2001, 2600).split('\n').filter((l) => l !== '').reverse().join('\n') + '\n';
    const [c, d] = await bothPaths(COLS, [shuffled], 'SELECT * FROM $t ORDER BY id');
    expect(c!.result).toBe('COPY 2600');
    expect(c!.rows).toEqual(d!.rows);
  });

  it('same errors: 22P02 with the column CONTEXT, 23505 with the line, 23502 with the quoted line', async () => {
    const bad = input(1, 3000) + '3001\tt\t1\t1\tnot a number\t1\t1\tx\tv\t\\\\x00\t2024-01-01 00:00:00+00\t2024-01-01\n';
    const [a, b] = await bothPaths(COLS, [bad], 'SELECT 1');
    expect(a!.result).toEqual({ code: '22P02', message: 'invalid input syntax for type integer: "not a number"', where: 'COPY t, line 3001, column n: "not a number"' });
    expect(b!.result).toEqual(a!.result);
    const dup = input(1, 2500) + input(2500, 2500);
    const [c, d] = await bothPaths(COLS, [dup], 'SELECT 1');
    expect(c!.result).toEqual({ code: '23505', message: 'duplicate key value violates unique constraint "t_pkey"'.replace('t_pkey', 'fresh_pkey'), where: 'COPY t, line 2501' });
    expect({ ...(d!.result as object), message: '' }).toEqual({ ...(c!.result as object), message: '' });
    const nn = '(id bigint PRIMARY KEY, note text NOT NULL)';
    const [e, f] = await bothPaths(nn, [input(1, 100, (i) => `${i}\t${i === 77 ? '\\N' : 'x'}`)], 'SELECT 1');
    expect(e!.result).toEqual({ code: '23502', message: 'null value in column "note" of relation "fresh" violates not-null constraint', where: 'COPY t, line 77: "77	\\N"' });
    expect({ ...(f!.result as object), message: '' }).toEqual({ ...(e!.result as object), message: '' });
    // A null key, a NOT NULL column the COPY does not list, a CHECK (the row path's checks).
    const [g, h, k] = await bothPaths(nn, [input(1, 100, (i) => `${i === 50 ? '\\N' : i}\tx`)], 'SELECT 1');
    expect(norm(g!.result)).toEqual({ code: '23502', message: 'null value in column "id" of relation "t" violates not-null constraint', where: 'COPY t, line 50: "\\N	x"' });
    expect(norm(h!.result)).toEqual(norm(g!.result));
    expect(norm(k!.result)).toEqual(norm(g!.result));
    const outs = await bothPaths('(id bigint PRIMARY KEY, a int NOT NULL, note text)', [input(1, 10, (i) => `${i}\tx`)], 'SELECT 1');
    for (const o of outs) expect(norm(o.result)).toEqual(norm(outs[0]!.result));
    const checks = await bothPaths('(id bigint PRIMARY KEY, n int CHECK (n < 90))', [input(1, 100, (i) => `${i}\t${i}`)], 'SELECT 1');
    expect(norm(checks[0]!.result)).toMatchObject({ code: '23514', where: 'COPY t, line 90: "90	90"' });
    for (const o of checks) expect(norm(o.result)).toEqual(norm(checks[0]!.result));
  });
});

/** An outcome with the table's name (fresh/rows/published) replaced by t. */
function norm(r: unknown): unknown {
  if (typeof r !== 'object' || r === null) return r;
  const o = r as { code: string; message: string; where: string | undefined };
  return { ...o, message: o.message.replace(/"(fresh|rows|published)(_\w+)?"/g, '"t$2"') };
}
