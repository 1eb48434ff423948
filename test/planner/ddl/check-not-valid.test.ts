// CHECK … NO INHERIT / NOT VALID, FOREIGN KEY … NOT VALID and ALTER TABLE … VALIDATE CONSTRAINT
// (planner/ddl/validate.ts). Every expected code, message and catalog text was recorded from
// PostgreSQL 15.20 after the same statements.
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, openEngine, useClient } from '../../sql/harness.js';

const client = useClient();
const q = async (sql: string): Promise<Array<Array<string | null>>> => (await client().query(sql)).text;
const err = async (sql: string): Promise<[string, string, string | undefined]> => {
  const e = await client().error(sql);
  return [e.code, e.message, e.fields.detail];
};
const defs = (table: string): string =>
  `select conname, convalidated, connoinherit, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) from pg_constraint where conrelid = '${table}'::regclass order by 1`;

describe('ADD CONSTRAINT … CHECK … NOT VALID', () => {
  it('skips the existing rows, checks new ones, and shows NOT VALID', async () => {
    await q('create table t (a int primary key, b int)');
    await q('insert into t values (1, 100), (2, 5)');
    expect(await err('alter table t add constraint c3 check (b < 50)')).toEqual(['23514', 'check constraint "c3" of relation "t" is violated by some row', undefined]);
    expect((await client().query('alter table t add constraint c3 check (b < 50) not valid')).tag).toBe('ALTER TABLE');
    expect(await q(defs('t'))).toEqual([
      ['c3', 'f', 'f', 'CHECK ((b < 50)) NOT VALID', 'CHECK (b < 50) NOT VALID'],
      ['t_pkey', 't', 't', 'PRIMARY KEY (a)', 'PRIMARY KEY (a)'],
    ]);
    expect(await err('insert into t values (3, 60)')).toEqual(['23514', 'new row for relation "t" violates check constraint "c3"', 'Failing row contains (3, 60).']);
    expect(await err('update t set b = b + 1 where a = 1')).toEqual(['23514', 'new row for relation "t" violates check constraint "c3"', 'Failing row contains (1, 101).']);
    expect(await err('update t set a = a + 10 where a = 1')).toEqual(['23514', 'new row for relation "t" violates check constraint "c3"', 'Failing row contains (11, 100).']);
    expect(await q("select constraint_name, check_clause from information_schema.check_constraints where constraint_name = 'c3'")).toEqual([['c3', '((b < 50)) NOT VALID']]);
    expect(await q("select constraint_name, constraint_type, is_deferrable, initially_deferred, enforced from information_schema.table_constraints where constraint_name = 'c3'")).toEqual([['c3', 'CHECK', 'NO', 'NO', 'YES']]);
  });

  it('VALIDATE CONSTRAINT checks the existing rows, then marks it validated', async () => {
    expect(await err('alter table t validate constraint c3')).toEqual(['23514', 'check constraint "c3" of relation "t" is violated by some row', undefined]);
    expect(await q("select convalidated from pg_constraint where conname = 'c3'")).toEqual([['f']]);
    expect(await err('alter table t validate constraint t_pkey')).toEqual(['42809', 'constraint "t_pkey" of relation "t" is not a foreign key or check constraint', undefined]);
    expect(await err('alter table t validate constraint nope')).toEqual(['42704', 'constraint "nope" of relation "t" does not exist', undefined]);
    await q('delete from t where b >= 50');
    await q('alter table t validate constraint c3');
    await q('alter table t validate constraint c3'); // already valid: nothing to do
    expect(await q(defs('t'))).toEqual([
      ['c3', 't', 'f', 'CHECK ((b < 50))', 'CHECK (b < 50)'],
      ['t_pkey', 't', 't', 'PRIMARY KEY (a)', 'PRIMARY KEY (a)'],
    ]);
  });

  it('ADD … NOT VALID and VALIDATE in one statement check the rows; a failed statement leaves nothing', async () => {
    await q('insert into t values (7, 3)');
    expect(await err('alter table t add constraint c9 check (b < 1) not valid, validate constraint c9')).toEqual(['23514', 'check constraint "c9" of relation "t" is violated by some row', undefined]);
    expect(await err('alter table t validate constraint c9, add constraint c10 check (b > 0) not valid')).toEqual(['42704', 'constraint "c9" of relation "t" does not exist', undefined]);
    await q('begin');
    await q('alter table t add constraint c9 check (b < 1) not valid');
    expect(await err('alter table t validate constraint c9')).toEqual(['23514', 'check constraint "c9" of relation "t" is violated by some row', undefined]);
    await q('rollback');
    expect(await q("select count(*) from pg_constraint where conname = 'c9'")).toEqual([['0']]);
  });

  it('unnamed constraints are named after their column; a taken name is 42710', async () => {
    await q('create table n (a int, b int)');
    await q('alter table n add check (b < 50)');
    await q('alter table n add check (b < 50 and a > 0) not valid');
    expect(await err('alter table n add constraint n_b_check check (a < 50)')).toEqual(['42710', 'constraint "n_b_check" for relation "n" already exists', undefined]);
    expect(await q("select conname, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'n'::regclass order by 1")).toEqual([
      ['n_b_check', 'CHECK ((b < 50))'],
      ['n_check', 'CHECK (((b < 50) AND (a > 0))) NOT VALID'],
    ]);
  });

  it('ALTER COLUMN TYPE keeps a NOT VALID CHECK without checking the old rows', async () => {
    await q('create table ty (a int, b int)');
    await q('insert into ty values (1, 100)');
    await q('alter table ty add constraint c3 check (b < 50) not valid');
    await q('alter table ty alter column b type bigint');
    expect(await q("select conname, convalidated, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'ty'::regclass")).toEqual([['c3', 'f', 'CHECK ((b < 50)) NOT VALID']]);
  });

  it('ADD COLUMN … CHECK checks the rows with the new column filled in', async () => {
    await q('alter table ty add column c int default 5');
    expect(await err('alter table ty add column d int default 5 check (d > 7)')).toEqual(['23514', 'check constraint "ty_d_check" of relation "ty" is violated by some row', undefined]);
    await q('alter table ty add column d int default 8 check (d > 7)');
    expect(await err('alter table ty add column e int check (e > (select 1))')).toEqual(['0A000', 'cannot use subquery in check constraint', undefined]);
    expect(await q('select * from ty')).toEqual([['1', '100', '5', '8']]);
  });

  it('ALTER TABLE … VALIDATE CONSTRAINT on a view is 42809', async () => {
    await q('create view v as select 1 as x');
    const e = await client().error('alter table v validate constraint x');
    expect([e.code, e.message, e.fields.detail]).toEqual(['42809', 'ALTER action VALIDATE CONSTRAINT cannot be performed on relation "v"', 'This operation is not supported for views.']);
  });
});

describe('NO INHERIT and CREATE TABLE', () => {
  it('NO INHERIT is kept and shown; CREATE TABLE marks NOT VALID constraints valid', async () => {
    await q('create table p (id int primary key)');
    await q('create table c (a int check (a > 0) no inherit, b int, constraint c2 check (b < 9) not valid, constraint cf foreign key (a) references p not valid)');
    await q('alter table c add constraint c4 check (a < 50) no inherit not valid');
    expect(await q(defs('c'))).toEqual([
      ['c2', 't', 'f', 'CHECK ((b < 9))', 'CHECK (b < 9)'],
      ['c4', 'f', 't', 'CHECK ((a < 50)) NO INHERIT NOT VALID', 'CHECK (a < 50) NO INHERIT NOT VALID'],
      ['c_a_check', 't', 't', 'CHECK ((a > 0)) NO INHERIT', 'CHECK (a > 0) NO INHERIT'],
      ['cf', 't', 't', 'FOREIGN KEY (a) REFERENCES p(id)', 'FOREIGN KEY (a) REFERENCES p(id)'],
    ]);
    expect(await q("select constraint_name, check_clause from information_schema.check_constraints where constraint_name in ('c2', 'c4', 'c_a_check') order by 1")).toEqual([
      ['c2', '((b < 9))'],
      ['c4', '((a < 50)) NO INHERIT NOT VALID'],
      ['c_a_check', '((a > 0)) NO INHERIT'],
    ]);
  });
});

describe('FOREIGN KEY … NOT VALID', () => {
  it('skips the existing rows, shows NOT VALID, and VALIDATE CONSTRAINT checks them', async () => {
    await q('create table fc (a int, b int)');
    await q('insert into fc values (1, 1)');
    await q('alter table fc add constraint f foreign key (a) references p not valid');
    expect(await q("select convalidated, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) from pg_constraint where conname = 'f'")).toEqual([
      ['f', 'FOREIGN KEY (a) REFERENCES p(id) NOT VALID', 'FOREIGN KEY (a) REFERENCES p(id) NOT VALID'],
    ]);
    expect(await err('insert into fc values (4, 1)')).toEqual(['23503', 'insert or update on table "fc" violates foreign key constraint "f"', 'Key (a)=(4) is not present in table "p".']);
    expect(await err('alter table fc validate constraint f')).toEqual(['23503', 'insert or update on table "fc" violates foreign key constraint "f"', 'Key (a)=(1) is not present in table "p".']);
    await q('insert into p values (1)');
    await q('alter table fc validate constraint f');
    expect(await q("select convalidated, pg_get_constraintdef(oid) from pg_constraint where conname = 'f'")).toEqual([['t', 'FOREIGN KEY (a) REFERENCES p(id)']]);
  });
});

describe('restart', () => {
  it('NOT VALID and NO INHERIT survive a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-notvalid-'));
    let { engine } = await openEngine(dir);
    let c = Client.open(engine);
    await c.query('create table r (a int, b int)');
    await c.query('insert into r values (1, 100)');
    await c.query('alter table r add constraint rc check (b < 50) no inherit not valid');
    await c.close();
    await engine.close();
    ({ engine } = await openEngine(dir));
    c = Client.open(engine);
    try {
      expect((await c.query("select convalidated, connoinherit, pg_get_constraintdef(oid) from pg_constraint where conname = 'rc'")).text).toEqual([['f', 't', 'CHECK ((b < 50)) NO INHERIT NOT VALID']]);
      await c.query('update r set b = 1');
      await c.query('alter table r validate constraint rc');
      expect((await c.query("select convalidated from pg_constraint where conname = 'rc'")).text).toEqual([['t']]);
    } finally {
      await c.close();
      await engine.close();
    }
  });
});
