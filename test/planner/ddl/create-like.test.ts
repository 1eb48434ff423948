// CREATE TABLE … (LIKE src [INCLUDING DEFAULTS]): the copied columns keep names, types, typmods
// and NOT NULL (PostgreSQL 15 copies nothing else without INCLUDING options); what is not built
// answers 0A000 instead of creating a table that silently lacks it.
import { afterEach, describe, expect, it } from 'vitest';
import { Client, openEngine } from '../../sql/harness.js';
import type { Engine } from '../../../planner/api.js';
import { DbError } from '../../../catalog/index.js';

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

const code = (p: Promise<unknown>): Promise<string> => p.then(() => 'ok', (e: DbError) => e.code);

describe('CREATE TABLE (LIKE …)', () => {
  it('copies columns, types, typmods and NOT NULL; defaults only with INCLUDING DEFAULTS', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query("CREATE TABLE a (id int PRIMARY KEY, name varchar(3) NOT NULL DEFAULT 'abc', amount numeric(6,2) DEFAULT 1.5)");
    await c.query('CREATE TABLE b (LIKE a, extra text)');
    await c.query("INSERT INTO b VALUES (1, 'xyz', 2.345, 'e')");
    expect((await c.query('SELECT * FROM b')).text).toEqual([['1', 'xyz', '2.35', 'e']]);
    expect(await code(c.query("INSERT INTO b VALUES (2, 'long', 1, 'e')"))).toBe('22001');
    expect(await code(c.query('INSERT INTO b (id) VALUES (3)'))).toBe('23502'); // no default copied; name is NOT NULL
    // The primary key's NOT NULL is copied (attnotnull), the key itself is not: duplicates pass.
    expect(await code(c.query("INSERT INTO b (name) VALUES ('n')"))).toBe('23502');
    await c.query("INSERT INTO b VALUES (1, 'dup', 0, 'e')");
    await c.query('CREATE TABLE d (LIKE a INCLUDING DEFAULTS)');
    await c.query('INSERT INTO d (id) VALUES (1)');
    expect((await c.query('SELECT * FROM d')).text).toEqual([['1', 'abc', '1.50']]);
  });

  it('errors: missing source 42P01, duplicate column 42701, copying constraints or indexes 0A000', async () => {
    ({ engine } = await openEngine());
    const c = Client.open(engine);
    await c.query('CREATE TABLE a (id int PRIMARY KEY, v int CHECK (v > 0))');
    expect(await code(c.query('CREATE TABLE b (LIKE nope)'))).toBe('42P01');
    expect(await code(c.query('CREATE TABLE b (LIKE a, v int)'))).toBe('42701');
    expect(await code(c.query('CREATE TABLE b (LIKE a INCLUDING ALL)'))).toBe('0A000');
    expect(await code(c.query('CREATE TABLE b (LIKE a INCLUDING INDEXES)'))).toBe('0A000');
    expect(await code(c.query('CREATE TABLE b (LIKE a INCLUDING CONSTRAINTS)'))).toBe('0A000');
    expect(await code(c.query('SELECT * FROM b'))).toBe('42P01');
  });
});
