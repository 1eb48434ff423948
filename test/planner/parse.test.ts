// Parsing: statement splitting, syntax errors with PostgreSQL's 1-based character positions,
// the per-session parse cache and the plan cache.
import { describe, expect, it } from 'vitest';
import { DbError } from '../../catalog/index.js';
import { withEngine, openSession, query } from './helpers.js';

function syntaxError(f: () => unknown): DbError {
  try {
    f();
  } catch (e) {
    if (e instanceof DbError) return e;
    throw e;
  }
  throw new Error('expected a syntax error');
}

describe('parse', () => {
  it('splits a query string into statements with their own text', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const st = s.parse("SELECT 1; select 'a;b' ;\n  SET x.y = 1;;  BEGIN");
      expect(st.map((x) => [x.sql, x.commandName])).toEqual([
        ['SELECT 1', 'SELECT'], ["select 'a;b'", 'SELECT'], ['SET x.y = 1', 'SET'], ['BEGIN', 'BEGIN'],
      ]);
      expect(s.parse('')).toEqual([]);
      expect(s.parse('  ;  ')).toEqual([]);
      expect(s.parse('-- only a comment')).toEqual([]);
      const r = await query(s, 'select 1; select 2, 3');
      expect(r.map((x) => x.rows)).toEqual([[['1']], [['2', '3']]]);
    });
  });

  it('reports syntax errors as 42601 with 1-based character positions', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const e1 = syntaxError(() => s.parse('SELECT FROM WHERE'));
      expect([e1.code, e1.message, e1.fields.position]).toEqual(['42601', 'syntax error at or near "WHERE"', 13]);
      const e2 = syntaxError(() => s.parse('SELECT (1'));
      expect([e2.message, e2.fields.position]).toEqual(['syntax error at end of input', 10]);
      // Positions count characters, not UTF-8 bytes.
      const e3 = syntaxError(() => s.parse("select 'héé' where where"));
      expect([e3.message, e3.fields.position]).toEqual(['syntax error at or near "where"', 20]);
      const e4 = syntaxError(() => s.parse("select 'abc"));
      expect([e4.code, e4.message, e4.fields.position]).toEqual(['42601', 'unterminated quoted string at or near "\'abc"', 8]);
    });
  });

  it("gram.y's errors that are not syntax errors keep PostgreSQL 15's SQLSTATE", async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      // Answers recorded from PostgreSQL 15.20 (psql, VERBOSITY verbose).
      const cases: [string, string, string, number | undefined][] = [
        ['alter table t add unique (a) not valid', '0A000', 'UNIQUE constraints cannot be marked NOT VALID', undefined],
        ['create table t (a int, check (a > 0) deferrable)', '0A000', 'CHECK constraints cannot be marked DEFERRABLE', undefined],
        ['select sum(1) over (rows between unbounded following and current row)', '42P20', 'frame start cannot be UNBOUNDED FOLLOWING', 34],
        ['select sum(1) over (rows between 1 following and current row)', '42P20', 'frame starting from following row cannot have preceding rows', 50],
        ['select 1::float(0)', '22023', 'precision for type float must be at least 1 bit', 17],
      ];
      for (const [sql, code, message, position] of cases) {
        const e = syntaxError(() => s.parse(sql));
        expect([sql, e.code, e.message, e.fields.position]).toEqual([sql, code, message, position]);
      }
    });
  });

  it('binder errors carry positions too', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const e = (() => { try { s.prepare(s.parse('select 1 + true')[0]!, []); } catch (x) { return x as DbError; } throw new Error('no error'); })();
      expect([e.code, e.message, e.fields.position, e.fields.hint]).toEqual([
        '42883', 'operator does not exist: integer + boolean', 10,
        'No operator matches the given name and argument types. You might need to add explicit type casts.',
      ]);
      const e2 = (() => { try { s.prepare(s.parse("select 'é', 'abc'::int")[0]!, []); } catch (x) { return x as DbError; } throw new Error('no error'); })();
      expect([e2.code, e2.message, e2.fields.position]).toEqual(['22P02', 'invalid input syntax for type integer: "abc"', 13]);
    });
  });

  it('caches parses by text and plans per statement', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const a = s.parse('SELECT 1');
      expect(s.parse('SELECT 1')).toBe(a);
      const p1 = s.prepare(a[0]!, []);
      expect(s.prepare(a[0]!, [])).toBe(p1);
      // A different parameter-type list is a different plan.
      const b = s.parse('SELECT $1');
      const pText = s.prepare(b[0]!, []);
      const pInt = s.prepare(b[0]!, [23]);
      expect(pText.paramOids).toEqual([25]);
      expect(pInt.paramOids).toEqual([23]);
      // Changing TimeZone invalidates plans (literals were read with the old zone).
      const c = s.parse("select timestamptz '2020-01-01 00:00'")[0]!;
      const before = s.prepare(c, []);
      await query(s, "set timezone = 'Asia/Tokyo'");
      expect(s.prepare(c, [])).not.toBe(before);
    });
  });
});

describe('parameters', () => {
  it('infers types from context as PostgreSQL does', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const oids = (sql: string, given: number[] = []): readonly number[] => s.prepare(s.parse(sql)[0]!, given).paramOids;
      expect(oids('select $1::int')).toEqual([23]);
      expect(oids('select $1 + 1')).toEqual([23]);
      expect(oids('select $1 + 1.5')).toEqual([1700]);
      expect(oids('select $1 || $2::text')).toEqual([25, 25]);
      expect(oids('select $1')).toEqual([25]);
      expect(oids('select $2::int8, $1::bool')).toEqual([16, 20]);
      expect(oids('select $1 = now()')).toEqual([1184]);
      expect(oids('select $1', [20])).toEqual([20]);
      expect(oids('select length($1)')).toEqual([25]);
      const undetermined = (() => { try { oids('select $1 is null'); } catch (e) { return e as DbError; } throw new Error('no error'); })();
      expect([undetermined.code, undetermined.message]).toEqual(['42P18', 'could not determine data type of parameter $1']);
      // Once deduced, a parameter keeps its type; a later cast is an ordinary cast.
      expect(oids('select $1::int, $1::text')).toEqual([23]);
    });
  });

  it('fields describe the result with PostgreSQL typlen/typmod', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const p = s.prepare(s.parse("select 1, 'a'::varchar(5), 1.5::numeric(5,2), now(), 2::int8, true, $1::text as t")[0]!, []);
      expect(p.fields!.map((f) => [f.name, f.typeOid, f.typeLen, f.typeMod])).toEqual([
        ['?column?', 23, 4, -1], ['varchar', 1043, -1, 9], ['numeric', 1700, -1, 327686], ['now', 1184, 8, -1],
        ['int8', 20, 8, -1], ['?column?', 16, 1, -1], ['t', 25, -1, -1],
      ]);
      const r = await s.execute(p, ['x'], { reason: undefined });
      if (r.kind !== 'rows') throw new Error('rows expected');
      expect((await r.cursor.fetch(0)).rows[0]![6]).toBe('x');
      s.endImplicit(false);
      expect(s.prepare(s.parse('set x.y = 1')[0]!, []).fields).toBeNull();
      expect(s.prepare(s.parse('show timezone')[0]!, []).fields!.map((f) => [f.name, f.typeOid])).toEqual([['TimeZone', 25]]);
    });
  });

  it('a cursor honours row limits and reports the total in its tag', async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const ex = await s.execute(s.prepare(s.parse('values (1), (2), (3)')[0]!, []), [], { reason: undefined });
      if (ex.kind !== 'rows') throw new Error('rows expected');
      const a = await ex.cursor.fetch(2);
      expect([a.rows.length, a.done, a.tag]).toEqual([2, false, undefined]);
      const b = await ex.cursor.fetch(2);
      expect([b.rows.length, b.done, b.tag]).toEqual([1, true, 'SELECT 3']);
      s.endImplicit(false);
    });
  });
});
