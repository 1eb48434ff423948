// The fast paths of COPY FROM (text fields sliced without decoding unless they hold a backslash;
// unique checks and writes with keys named once) and of ALTER TABLE ADD PRIMARY KEY / UNIQUE
// (stored cells copied, only key columns decoded) give the same answers as the slow paths did.
import { afterEach, describe, expect, it } from 'vitest';
import { openEngine, Client } from './harness.js';
import type { Engine } from '../../planner/api.js';
import { DbError } from '../../catalog/index.js';
import { TextRecordParser } from '../../planner/dml/copy-parse.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

const copyIn = (c: Client, sql: string, data: Parameters<Client['copyIn']>[1]): Promise<string> => c.copyIn(sql, data);

function parseText(data: string, delimiter = '\t', nullString = '\\N'): Array<Array<string | null>> {
  const p = new TextRecordParser({ csv: false, delimiter, nullString, quote: '"', escape: '"', header: false });
  return [...p.push(enc(data)), ...p.end()] as Array<Array<string | null>>;
}

describe('COPY text fields', () => {
  it('splits plain lines into slices and decodes only fields with backslashes', () => {
    expect(parseText('a\tb\t\n\n\tx\r\n')).toEqual([['a', 'b', ''], [''], ['', 'x']]);
    // An escaped delimiter does not split; a trailing lone backslash is literal; \N is NULL only
    // as the whole field; octal and hex escapes.
    expect(parseText('a\\\tb\tc\\\n')).toEqual([['a\tb', 'c\\']]);
    expect(parseText('\\N\tx\\N\t\\\\N\n')).toEqual([[null, 'xN', '\\N']]);
    expect(parseText('\\101\\x42\\x4g\\xg\\q\n')).toEqual([['AB\u0004gxgq']]);
    expect(parseText('1|a\\|b|NULL\n', '|', 'NULL')).toEqual([['1', 'a|b', null]]);
    expect(parseText('1\t2\n\\.\n3\t4\n')).toEqual([['1', '2']]);
  });
});

describe('COPY FROM checks', () => {
  it('23505 on a duplicate within the input and against committed rows, on a UNIQUE column too; all or nothing', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (id bigint PRIMARY KEY, u text UNIQUE, n int NOT NULL)');
    expect(await copyIn(c, 'COPY t FROM STDIN', '1\ta\t1\n2\tb\t2\n')).toBe('COPY 2');
    let e = await copyIn(c, 'COPY t FROM STDIN', '3\tc\t3\n3\td\t4\n').catch((x: DbError) => x);
    expect([e instanceof DbError && e.code, (e as DbError).message, (e as DbError).fields.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "t_pkey"', 'Key (id)=(3) already exists.']);
    e = await copyIn(c, 'COPY t FROM STDIN', '4\tc\t3\n5\ta\t4\n').catch((x: DbError) => x);
    expect([(e as DbError).code, (e as DbError).message, (e as DbError).fields.detail]).toEqual(['23505', 'duplicate key value violates unique constraint "t_u_key"', 'Key (u)=(a) already exists.']);
    e = await copyIn(c, 'COPY t FROM STDIN', '6\tf\t1\n7\tg\t\\N\n').catch((x: DbError) => x);
    expect([(e as DbError).code, (e as DbError).message]).toEqual(['23502', 'null value in column "n" of relation "t" violates not-null constraint']);
    e = await copyIn(c, 'COPY t FROM STDIN', '8\th\t1\n9\ti\tzz\n').catch((x: DbError) => x);
    expect([(e as DbError).code, (e as DbError).fields.where]).toEqual(['22P02', 'COPY t, line 2, column n: "zz"']);
    // NULLs in a UNIQUE column never conflict.
    expect(await copyIn(c, 'COPY t FROM STDIN', '10\t\\N\t1\n11\t\\N\t1\n')).toBe('COPY 2');
    expect((await c.query('SELECT id, u FROM t ORDER BY id')).text).toEqual([['1', 'a'], ['2', 'b'], ['10', null], ['11', null]]);
  });
});

describe('COPY FROM row locks', () => {
  it('waits for a key another transaction holds, honouring lock_timeout (55P03), then sees its commit', async () => {
    ({ engine } = await openEngine());
    const a = Client.open(engine);
    const b = Client.open(engine);
    await a.query('CREATE TABLE t (id int PRIMARY KEY, s text)');
    await a.query("BEGIN; INSERT INTO t VALUES (5, 'a')");
    await b.query("SET lock_timeout = '50ms'");
    const e = await copyIn(b, 'COPY t FROM STDIN', '4\tb\n5\tb\n').catch((x: DbError) => x);
    expect([(e as DbError).code, (e as DbError).message]).toEqual(['55P03', 'canceling statement due to lock timeout']);
    await b.query('SET lock_timeout = 0');
    const waiting = copyIn(b, 'COPY t FROM STDIN', '6\tb\n5\tb\n').catch((x: DbError) => x);
    await new Promise((r) => setTimeout(r, 30));
    await a.query('COMMIT');
    const w = await waiting;
    expect([(w as DbError).code, (w as DbError).message]).toEqual(['23505', 'duplicate key value violates unique constraint "t_pkey"']);
    expect((await b.query('SELECT id, s FROM t ORDER BY id')).text).toEqual([['5', 'a']]);
  });
});

describe('ALTER TABLE ADD PRIMARY KEY rewrite', () => {
  it('keeps every stored cell (added-column defaults, dropped columns, numerics) and checks NULLs', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE t (x int, gone text, amount numeric(12,2), note text)');
    expect(await copyIn(c, 'COPY t FROM STDIN', '3\tg\t1.50\tthree\n1\tg\t-2\t\\N\n2\tg\t\\N\ttwo\n')).toBe('COPY 3');
    await c.query('ALTER TABLE t DROP COLUMN gone');
    await c.query("ALTER TABLE t ADD COLUMN extra text DEFAULT 'dflt'");
    await c.query('ALTER TABLE t ADD PRIMARY KEY (x)');
    expect((await c.query('SELECT * FROM t')).text).toEqual([['1', '-2.00', null, 'dflt'], ['2', null, 'two', 'dflt'], ['3', '1.50', 'three', 'dflt']]);
    expect((await c.query('SELECT note FROM t WHERE x = 2')).text).toEqual([['two']]);
    await c.query('ALTER TABLE t ADD UNIQUE (note)');
    expect((await c.error("INSERT INTO t VALUES (9, 0, 'two')")).message).toBe('duplicate key value violates unique constraint "t_note_key"');
    await c.query('CREATE TABLE n (a int, b int)');
    await c.query('INSERT INTO n VALUES (1, 1), (2, NULL)');
    const e = await c.error('ALTER TABLE n ADD PRIMARY KEY (b)');
    expect([e.code, e.message]).toEqual(['23502', 'column "b" of relation "n" contains null values']);
    await c.query('ALTER TABLE n ADD PRIMARY KEY (a)');
    expect((await c.query('SELECT * FROM n WHERE a = 2')).text).toEqual([['2', null]]);
  });
});
