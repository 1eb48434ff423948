// The same COPY input through both COPY paths — ingest (table created in the transaction: rows
// go through lsm ColumnChunk into segment files) and the row path (table committed earlier:
// the transaction's write set) — gives the same SELECT output and the same errors (SQLSTATE,
// message, CONTEXT line), for every cell kind the column builders have (number, bigint,
// string, bytes, bool), NULLs, escapes, non-ASCII text, and a table without a primary key.
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
  for (const fresh of [true, false]) {
    const t = fresh ? 'fresh' : 'rows';
    if (!fresh) await c.query(`CREATE TABLE ${t} ${cols}`);
    await c.query('BEGIN');
    if (fresh) await c.query(`CREATE TABLE ${t} ${cols}`);
    let result: string | { code: string; message: string; where: string | undefined };
    try {
      result = await copyIn(c, `COPY ${t} FROM STDIN`, chunks);
      await c.query('COMMIT');
    } catch (e) {
      if (!(e instanceof DbError)) throw e;
      result = { code: e.code, message: e.message, where: e.fields.where?.replace(/(fresh|rows)/, 't') };
      await c.query('ROLLBACK');
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
  });
});
