// WITH before INSERT / UPDATE / DELETE (planWithClause around the statement's planning): the
// answers below were recorded from PostgreSQL 15.20 with the same statements.
import { describe, expect, it } from 'vitest';
import { DbError } from '../../../catalog/index.js';
import { withEngine, openSession, query } from '../helpers.js';

describe('WITH … INSERT/UPDATE/DELETE', () => {
  it("answers as PostgreSQL 15 does, CTE names shadowing tables in the statement's subqueries", async () => {
    await withEngine(async (engine) => {
      const s = openSession(engine);
      const run = async (sql: string) => {
        const r = (await query(s, sql)).at(-1)!;
        return [r.tag, r.rows];
      };
      await query(s, "create table src(id int primary key, v text); insert into src values (1,'a'),(2,'b'),(3,'c'); create table dst(id int primary key, v text)");
      expect(await run('with s as (select * from src where id < 3) insert into dst select * from s returning id')).toEqual(['INSERT 0 2', [['1'], ['2']]]);
      expect(await run("with s as (select id from src where id = 1) update dst set v = 'z' from s where dst.id = s.id returning dst.*")).toEqual(['UPDATE 1', [['1', 'z']]]);
      expect(await run('with s as (select id from src where id = 2) delete from dst using s where dst.id = s.id returning dst.id')).toEqual(['DELETE 1', [['2']]]);
      expect(await run("with recursive n(i) as (select 1 union all select i+1 from n where i < 5) insert into dst select i+10, 'r' from n")).toEqual(['INSERT 0 5', []]);
      // The target is always the table; inside the statement the CTE's name wins.
      expect(await run("with src as (select 11 as id) update src set v = 'q' where id in (select id from src) returning *")).toEqual(['UPDATE 0', []]);
      expect(await run('with dst as (select 12 as id) delete from dst where id in (select id from dst) returning id')).toEqual(['DELETE 1', [['12']]]);
      expect(await run('select * from dst order by id')).toEqual(['SELECT 5', [['1', 'z'], ['11', 'r'], ['13', 'r'], ['14', 'r'], ['15', 'r']]]);
      // The job-queue form: the WITH query locks its row (planner/rel/row-locks-nested.ts).
      expect(await run("with nxt as (select id from src order by id limit 1 for update skip locked) update src set v = 'run' from nxt where src.id = nxt.id returning src.id, src.v")).toEqual(['UPDATE 1', [['1', 'run']]]);
      expect(await run('with nxt as (select id from src where id > 1 order by id limit 1 for update skip locked) delete from src using nxt where src.id = nxt.id returning src.id')).toEqual(['DELETE 1', [['2']]]);
      // The same text again (cached plan): the CTE runs again in each execution.
      const again = "with m as (select max(id) + 1 as id from dst) insert into dst select id, 'n' from m returning id";
      expect(await run(again)).toEqual(['INSERT 0 1', [['16']]]);
      expect(await run(again)).toEqual(['INSERT 0 1', [['17']]]);
      await query(s, 'delete from dst where id > 15');
      const err = async (sql: string) => {
        try {
          await query(s, sql);
        } catch (e) {
          if (e instanceof DbError) return [e.code, e.message];
          throw e;
        }
        return 'no error';
      };
      expect(await err("with s as (select 1) insert into dst values (1,'dup')")).toEqual(['23505', 'duplicate key value violates unique constraint "dst_pkey"']);
      expect(await err('with s as (select 1), s as (select 2) delete from dst')).toEqual(['42712', 'WITH query name "s" specified more than once']);
    });
  });
});
