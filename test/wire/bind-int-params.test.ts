// Bind's text integer parameters (wire/rows.ts decodeParams): the plain-digit fast path and
// textIn must give the same values and PostgreSQL's errors. Expected answers were taken from
// PostgreSQL 15 with node-postgres (`SELECT $1::<type> AS v`, 2026-11-25).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { Engine } from '../../planner/api.js';
import { makeContext, makeEngine, pgClient } from './harness.js';

type Case = [type: string, value: string | null, code: string, answer: unknown];

const CASES: Case[] = [
  ['int4', '7', 'ok', 7], ['int4', '-7', 'ok', -7], ['int4', '-0', 'ok', 0], ['int4', '007', 'ok', 7],
  ['int4', ' 7 ', 'ok', 7], ['int4', '+7', 'ok', 7], ['int4', '999999999', 'ok', 999999999],
  ['int4', '2147483647', 'ok', 2147483647],
  ['int4', '2147483648', '22003', 'value "2147483648" is out of range for type integer'],
  ['int4', '-2147483648', 'ok', -2147483648],
  ['int4', '-2147483649', '22003', 'value "-2147483649" is out of range for type integer'],
  ['int4', 'abc', '22P02', 'invalid input syntax for type integer: "abc"'],
  ['int4', '', '22P02', 'invalid input syntax for type integer: ""'],
  ['int4', '-', '22P02', 'invalid input syntax for type integer: "-"'],
  ['int4', '1e3', '22P02', 'invalid input syntax for type integer: "1e3"'],
  ['int4', '12a', '22P02', 'invalid input syntax for type integer: "12a"'],
  ['int4', null, 'ok', null],
  ['int2', '9999', 'ok', 9999], ['int2', '-9999', 'ok', -9999], ['int2', '32767', 'ok', 32767],
  ['int2', '32768', '22003', 'value "32768" is out of range for type smallint'],
  ['int2', '-0', 'ok', 0],
  ['int8', '-123456789', 'ok', '-123456789'], ['int8', '-0', 'ok', '0'],
  ['int8', '9223372036854775807', 'ok', '9223372036854775807'],
  ['int8', '9223372036854775808', '22003', 'value "9223372036854775808" is out of range for type bigint'],
  ['int4', '٣', '22P02', 'invalid input syntax for type integer: "٣"'],
];

let engine: Engine;
let client: pg.Client;

async function answer(text: string, values: (string | null)[]): Promise<[string, unknown]> {
  try {
    const r = await client.query({ text, values });
    return ['ok', r.rows.length === 0 ? 'no row' : r.rows[0].v];
  } catch (e) {
    const err = e as { code?: string; message: string };
    return [err.code ?? '?', err.message];
  }
}

beforeAll(async () => {
  engine = await makeEngine();
  client = pgClient(makeContext(engine)).client;
  await client.connect();
  await client.query('CREATE TABLE acc (aid int4 PRIMARY KEY, abalance int4)');
  await client.query('CREATE TABLE big (id int8 PRIMARY KEY, v text)');
  await client.query('CREATE TABLE small (id int2 PRIMARY KEY, v text)');
  await client.query("INSERT INTO acc VALUES (0, 100), (7, 700), (-7, -700), (2147483647, 1)");
  await client.query("INSERT INTO big VALUES (0, 'zero'), (-123456789, 'neg')");
  await client.query("INSERT INTO small VALUES (0, 'zero'), (9999, 'max4')");
});

afterAll(async () => {
  await client.end();
  await engine.close();
});

describe('Bind text integer parameters', () => {
  it('give PostgreSQL 15 values and errors for $1::int2/int4/int8', async () => {
    const got: Case[] = [];
    for (const [t, v] of CASES) got.push([t, v, ...(await answer(`SELECT $1::${t} AS v`, [v]))]);
    expect(got).toEqual(CASES);
  });

  it('look up primary keys by the decoded value (a point get over int4, int8, int2 keys)', async () => {
    const q = 'SELECT abalance AS v FROM acc WHERE aid = $1';
    expect(await answer(q, ['7'])).toEqual(['ok', 700]);
    expect(await answer(q, ['-7'])).toEqual(['ok', -700]);
    expect(await answer(q, ['-0'])).toEqual(['ok', 100]);
    expect(await answer(q, ['007'])).toEqual(['ok', 700]);
    expect(await answer(q, ['8'])).toEqual(['ok', 'no row']);
    expect(await answer(q, [null])).toEqual(['ok', 'no row']);
    expect(await answer(q, ['2147483647'])).toEqual(['ok', 1]);
    expect(await answer(q, ['2147483648'])).toEqual(['22003', 'value "2147483648" is out of range for type integer']);
    expect(await answer(q, ['x7'])).toEqual(['22P02', 'invalid input syntax for type integer: "x7"']);
    expect(await answer('SELECT v FROM big WHERE id = $1', ['-0'])).toEqual(['ok', 'zero']);
    expect(await answer('SELECT v FROM big WHERE id = $1', ['-123456789'])).toEqual(['ok', 'neg']);
    expect(await answer('SELECT v FROM small WHERE id = $1', ['9999'])).toEqual(['ok', 'max4']);
    expect(await answer('SELECT v FROM small WHERE id = $1', ['-0'])).toEqual(['ok', 'zero']);
  });
});
