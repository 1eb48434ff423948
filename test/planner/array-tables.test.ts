// Array columns in tables against PostgreSQL 15: the statements below ran in order in one
// session on a real PostgreSQL 15.20 (node-postgres, text results) and their results or
// errors were recorded here. The engine runs the same sequence, then is closed and reopened
// on the same data directory to check that stored arrays (WAL replay) read back unchanged.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DbError } from '../../catalog/index.js';
import { createEngine } from '../../planner/index.js';
import { openSession, query } from './helpers.js';

type Expected = { rows: Array<Array<string | null>> } | { tag: string } | { error: string; message: string; detail?: string };

const STEPS: Array<[string, Expected]> = [
  ["CREATE TABLE arr_t (id int PRIMARY KEY, a int[], t text[], v varchar(2)[], n numeric[])",{"tag":"CREATE"}],
  ["INSERT INTO arr_t VALUES (1, ARRAY[1,2,3], ARRAY['x','y'], '{ab,c}', '{1.5,NULL}'), (2, '{4,5}', '{\"a b\",NULL}', ARRAY['zz'], ARRAY[2]), (3, NULL, '{}', NULL, '{{1,2},{3,4}}'), (4, '[0:1]={7,8}', ARRAY['q'], '{}', NULL)",{"tag":"INSERT 0 4"}],
  ["INSERT INTO arr_t VALUES (5, ARRAY[1], NULL, '{abc}', NULL)",{"error":"22001","message":"value too long for type character varying(2)"}],
  ["INSERT INTO arr_t VALUES (5, ARRAY[1.7, 2], NULL, NULL, NULL)",{"tag":"INSERT 0 1"}],
  ["INSERT INTO arr_t VALUES (6, '{1,x}', NULL, NULL, NULL)",{"error":"22P02","message":"invalid input syntax for type integer: \"x\""}],
  ["SELECT id, a, t, v, n FROM arr_t ORDER BY id",{"rows":[["1","{1,2,3}","{x,y}","{ab,c}","{1.5,NULL}"],["2","{4,5}","{\"a b\",NULL}","{zz}","{2}"],["3",null,"{}",null,"{{1,2},{3,4}}"],["4","[0:1]={7,8}","{q}","{}",null],["5","{2,2}",null,null,null]]}],
  ["SELECT id, a[1], a[2:], t[1], n[2][1], array_length(a, 1) FROM arr_t ORDER BY id",{"rows":[["1","1","{2,3}","x",null,"3"],["2","4","{5}","a b",null,"2"],["3",null,null,null,"3",null],["4","8","{}","q",null,"2"],["5","2","{2}",null,null,"2"]]}],
  ["SELECT id FROM arr_t WHERE 2 = ANY(a) OR 'q' = ANY(t) ORDER BY id",{"rows":[["1"],["4"],["5"]]}],
  ["SELECT id FROM arr_t WHERE a @> ARRAY[5] ORDER BY id",{"rows":[["2"]]}],
  ["SELECT a FROM arr_t ORDER BY a DESC NULLS LAST",{"rows":[["[0:1]={7,8}"],["{4,5}"],["{2,2}"],["{1,2,3}"],[null]]}],
  ["SELECT min(a), max(a), array_agg(id ORDER BY id DESC), array_agg(a[1] ORDER BY id) FROM arr_t",{"rows":[["{1,2,3}","[0:1]={7,8}","{5,4,3,2,1}","{1,4,NULL,8,2}"]]}],
  ["SELECT array_agg(a ORDER BY id) FROM arr_t WHERE id IN (1, 4)",{"error":"2202E","message":"cannot accumulate arrays of different dimensionality"}],
  ["SELECT array_agg(a ORDER BY id) FROM arr_t WHERE id IN (2, 5)",{"rows":[["{{4,5},{2,2}}"]]}],
  ["SELECT array_agg(a) FROM arr_t",{"error":"2202E","message":"cannot accumulate arrays of different dimensionality"}],
  ["SELECT array_agg(id) FROM arr_t WHERE false",{"rows":[[null]]}],
  ["SELECT a, count(*) FROM arr_t GROUP BY a ORDER BY a",{"rows":[["{1,2,3}","1"],["{2,2}","1"],["{4,5}","1"],["[0:1]={7,8}","1"],[null,"1"]]}],
  ["SELECT DISTINCT cardinality(t) FROM arr_t ORDER BY 1",{"rows":[["0"],["1"],["2"],[null]]}],
  ["UPDATE arr_t SET a = a || 9, t = array_prepend('p', t) WHERE id <= 2",{"tag":"UPDATE 2"}],
  ["SELECT id, a, t FROM arr_t ORDER BY id",{"rows":[["1","{1,2,3,9}","{p,x,y}"],["2","{4,5,9}","{p,\"a b\",NULL}"],["3",null,"{}"],["4","[0:1]={7,8}","{q}"],["5","{2,2}",null]]}],
  ["SELECT u.x, u.ordinality FROM unnest(ARRAY['c','a','b']) WITH ORDINALITY AS u(x) ORDER BY 1",{"rows":[["a","2"],["b","3"],["c","1"]]}],
  ["SELECT * FROM unnest(ARRAY[1,2,3], ARRAY['a','b']) AS u(n, s)",{"rows":[["1","a"],["2","b"],["3",null]]}],
  ["SELECT * FROM unnest(ARRAY[[1,2],[3,4]]) AS u",{"rows":[["1"],["2"],["3"],["4"]]}],
  ["SELECT * FROM unnest(NULL::int[])",{"rows":[]}],
  ["SELECT * FROM generate_subscripts('[3:5]={1,2,3}'::int[], 1) AS g",{"rows":[["3"],["4"],["5"]]}],
  ["SELECT * FROM generate_subscripts(ARRAY[1,2,3], 1, true)",{"rows":[["3"],["2"],["1"]]}],
  ["SELECT * FROM unnest(1)",{"error":"42883","message":"function unnest(integer) does not exist"}],
  ["SELECT sum(x) FROM unnest(ARRAY[1,2,3]) AS x",{"rows":[["6"]]}],
  ["SELECT id, a FROM arr_t WHERE a = '{4,5,9}' ORDER BY id",{"rows":[["2","{4,5,9}"]]}],
  ["SELECT id, a::text, a::bigint[], a::text[] FROM arr_t WHERE id = 1",{"rows":[["1","{1,2,3,9}","{1,2,3,9}","{1,2,3,9}"]]}],
];

async function runStep(s: ReturnType<typeof openSession>, sql: string, want: Expected): Promise<void> {
  let got: Expected;
  try {
    const r = await query(s, sql);
    const last = r[r.length - 1]!;
    got = 'tag' in want ? { tag: last.tag } : { rows: last.rows };
  } catch (e) {
    if (!(e instanceof DbError)) throw e;
    got = { error: e.code, message: e.message, ...(e.fields.detail !== undefined ? { detail: e.fields.detail } : {}) };
  }
  if ('tag' in want && 'tag' in got) {
    // node-postgres reports the command's first word ("CREATE"); the engine the whole tag.
    const [word, ...counts] = want.tag.split(' ');
    expect(got.tag.split(' ')[0]).toBe(word);
    if (counts.length > 0) expect(got.tag.split(' ').slice(-counts.length)).toEqual(counts);
    return;
  }
  expect(got, sql).toEqual(want);
}

describe('array columns match PostgreSQL 15', () => {
  it('runs the statement sequence, then reads the same rows after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pyralog-array-tables-'));
    try {
      let engine = await createEngine({ dataDir: dir });
      let s = openSession(engine, { user: 'postgres', startupParams: { TimeZone: 'UTC' } });
      for (const [sql, want] of STEPS) await runStep(s, sql, want);
      s.close();
      await engine.close();
      engine = await createEngine({ dataDir: dir });
      s = openSession(engine, { user: 'postgres', startupParams: { TimeZone: 'UTC' } });
      const check = STEPS.filter(([sql]) => sql.startsWith('SELECT id, a, t FROM arr_t'));
      expect(check.length).toBe(1);
      await runStep(s, check[0]![0], check[0]![1]);
      await runStep(s, 'SELECT id, v, n FROM arr_t ORDER BY id', { rows: [['1', '{ab,c}', '{1.5,NULL}'], ['2', '{zz}', '{2}'], ['3', null, '{{1,2},{3,4}}'], ['4', '{}', null], ['5', null, null]] });
      s.close();
      await engine.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
