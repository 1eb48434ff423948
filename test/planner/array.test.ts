// Array expressions against PostgreSQL 15: every case below was run on a real PostgreSQL 15.20
// (TimeZone UTC, node-postgres with text results) and its text output or its error (SQLSTATE,
// message, DETAIL) recorded here. The engine must answer exactly the same.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DbError } from '../../catalog/index.js';
import { createEngine, type Engine } from '../../planner/index.js';
import { openSession, query } from './helpers.js';

type Expected = { rows: Array<Array<string | null>> } | { error: string; message: string; detail?: string };

const CASES: Array<[string, Expected]> = [
  ["SELECT ARRAY[1,2,3]",{"rows":[["{1,2,3}"]]}],
  ["SELECT ARRAY[1,2.5]",{"rows":[["{1,2.5}"]]}],
  ["SELECT ARRAY['a','b',NULL]",{"rows":[["{a,b,NULL}"]]}],
  ["SELECT ARRAY[NULL]",{"rows":[["{NULL}"]]}],
  ["SELECT ARRAY[[1,2],[3,4]]",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT ARRAY[ARRAY[1,2],ARRAY[3,4]]",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT ARRAY[ARRAY[1],ARRAY[1,2]]",{"error":"2202E","message":"multidimensional arrays must have array expressions with matching dimensions"}],
  ["SELECT ARRAY[1,true]",{"error":"42804","message":"ARRAY types integer and boolean cannot be matched"}],
  ["SELECT ARRAY[1,'a']",{"error":"22P02","message":"invalid input syntax for type integer: \"a\""}],
  ["SELECT ARRAY[]",{"error":"42P18","message":"cannot determine type of empty array"}],
  ["SELECT ARRAY[]::int[]",{"rows":[["{}"]]}],
  ["SELECT ARRAY[1,true]::bool[]",{"rows":[["{t,t}"]]}],
  ["SELECT ARRAY[1.4,2.5,3.6]::int[]",{"rows":[["{1,3,4}"]]}],
  ["SELECT ARRAY['1','2','x']::int[]",{"error":"22P02","message":"invalid input syntax for type integer: \"x\""}],
  ["SELECT '{1,2,NULL}'::int[]",{"rows":[["{1,2,NULL}"]]}],
  ["SELECT '{{1,2},{3,4}}'::int[][]",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT '[0:1]={1,2}'::int[]",{"rows":[["[0:1]={1,2}"]]}],
  ["SELECT '{1,2'::int[]",{"error":"22P02","message":"malformed array literal: \"{1,2\"","detail":"Unexpected end of input."}],
  ["SELECT '{{1},{2,3}}'::int[]",{"error":"22P02","message":"malformed array literal: \"{{1},{2,3}}\"","detail":"Multidimensional arrays must have sub-arrays with matching dimensions."}],
  ["SELECT '{1,2}'::int[]::text[]",{"rows":[["{1,2}"]]}],
  ["SELECT '{1,2}'::int[]::bigint[]",{"rows":[["{1,2}"]]}],
  ["SELECT '{1.5,2.5}'::numeric[]::int[]",{"rows":[["{2,3}"]]}],
  ["SELECT ARRAY['a','b']::varchar",{"rows":[["{a,b}"]]}],
  ["SELECT '{a,b}'::text[]::int[]",{"error":"22P02","message":"invalid input syntax for type integer: \"a\""}],
  ["SELECT ARRAY['hello','',NULL,'nULl','aa\"bb','uu,vv','yy zz']",{"rows":[["{hello,\"\",NULL,\"nULl\",\"aa\\\"bb\",\"uu,vv\",\"yy zz\"}"]]}],
  ["SELECT (ARRAY[10,20,30])[2]",{"rows":[["20"]]}],
  ["SELECT (ARRAY[10,20,30])[0]",{"rows":[[null]]}],
  ["SELECT (ARRAY[10,20,30])[4]",{"rows":[[null]]}],
  ["SELECT (ARRAY[10,20,30])[NULL]",{"rows":[[null]]}],
  ["SELECT (ARRAY[10,20,30])[2:3]",{"rows":[["{20,30}"]]}],
  ["SELECT (ARRAY[10,20,30])[:2]",{"rows":[["{10,20}"]]}],
  ["SELECT (ARRAY[10,20,30])[2:]",{"rows":[["{20,30}"]]}],
  ["SELECT (ARRAY[10,20,30])[3:1]",{"rows":[["{}"]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[2][1]",{"rows":[["3"]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[2]",{"rows":[[null]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[1:2][2]",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[2:2]",{"rows":[["{{3,4}}"]]}],
  ["SELECT ('[0:2]={7,8,9}'::int[])[0]",{"rows":[["7"]]}],
  ["SELECT ('[0:2]={7,8,9}'::int[])[1:2]",{"rows":[["{8,9}"]]}],
  ["SELECT (ARRAY[1,2])[1.6]",{"rows":[["2"]]}],
  ["SELECT (ARRAY[1,2])['1']",{"rows":[["1"]]}],
  ["SELECT (ARRAY[1,2])[true]",{"error":"42804","message":"array subscript must have type integer"}],
  ["SELECT (1)[1]",{"error":"42804","message":"cannot subscript type integer because it does not support subscripting"}],
  ["SELECT (ARRAY[1,2])[1:4294967296]",{"error":"22003","message":"integer out of range"}],
  ["SELECT ARRAY[1,2] = ARRAY[1,2], ARRAY[1,2] <> ARRAY[1,3], ARRAY[1,2] < ARRAY[1,2,0], ARRAY[2] > ARRAY[1,9]",{"rows":[["t","t","t","t"]]}],
  ["SELECT ARRAY[1,NULL] = ARRAY[1,NULL], ARRAY[NULL]::int[] < ARRAY[1]",{"rows":[["t","f"]]}],
  ["SELECT ARRAY[1,2] = '{1,2}'",{"rows":[["t"]]}],
  ["SELECT ARRAY[1]::int4[] = ARRAY[1]::int8[]",{"error":"42883","message":"operator does not exist: integer[] = bigint[]"}],
  ["SELECT ARRAY[1,2] = 1",{"error":"42883","message":"operator does not exist: integer[] = integer"}],
  ["SELECT '[0:1]={1,2}'::int[] = '{1,2}'::int[]",{"rows":[["f"]]}],
  ["SELECT ARRAY[1,2,3] @> ARRAY[3,1], ARRAY[1,2] <@ ARRAY[2], ARRAY[1,2] && ARRAY[2,5], ARRAY[1,NULL] @> ARRAY[NULL]::int[]",{"rows":[["t","f","t","f"]]}],
  ["SELECT ARRAY[1,2] || ARRAY[3], ARRAY[1] || 2, 0 || ARRAY[1], ARRAY[[1,2]] || ARRAY[3,4], ARRAY[1] || NULL",{"rows":[["{1,2,3}","{1,2}","{0,1}","{{1,2},{3,4}}","{1}"]]}],
  ["SELECT ARRAY[1,2] || '{3}'",{"rows":[["{1,2,3}"]]}],
  ["SELECT ARRAY[1,2] || '3'",{"error":"22P02","message":"malformed array literal: \"3\"","detail":"Array value must start with \"{\" or dimension information."}],
  ["SELECT ARRAY[1] || 'x'::text",{"error":"42883","message":"operator does not exist: integer[] || text"}],
  ["SELECT ARRAY[1]::int2[] || 2::int8",{"rows":[["{1,2}"]]}],
  ["SELECT ARRAY['a']::varchar[] || 'b'::text",{"rows":[["{a,b}"]]}],
  ["SELECT ARRAY[[1,2]] || ARRAY[[3]]",{"error":"2202E","message":"cannot concatenate incompatible arrays","detail":"Arrays with differing element dimensions are not compatible for concatenation."}],
  ["SELECT ARRAY[[[1]]] || ARRAY[1]",{"error":"2202E","message":"cannot concatenate incompatible arrays","detail":"Arrays of 3 and 1 dimensions are not compatible for concatenation."}],
  ["SELECT 1 = ANY(ARRAY[1,2]), 3 = ANY(ARRAY[1,2]), 3 = ANY(ARRAY[1,NULL]), 1 = ALL(ARRAY[1,1]), 1 = ALL(ARRAY[1,NULL]), 2 = ALL(ARRAY[1,NULL])",{"rows":[["t","f",null,"t",null,"f"]]}],
  ["SELECT 1 < ALL(ARRAY[]::int[]), 1 = ANY(ARRAY[]::int[]), NULL::int = ANY(ARRAY[]::int[]), NULL::int = ANY(ARRAY[1])",{"rows":[["t","f","f",null]]}],
  ["SELECT 1 = ANY('{1,2}'), 1 = ANY(NULL), 'b' = ANY(ARRAY['a','b'])",{"rows":[["t",null,"t"]]}],
  ["SELECT 1 = ANY(1)",{"error":"42809","message":"op ANY/ALL (array) requires array on right side"}],
  ["SELECT 'x' = ANY(ARRAY[1])",{"error":"22P02","message":"invalid input syntax for type integer: \"x\""}],
  ["SELECT 1.5 = ANY(ARRAY[1,2]), 2 = ANY(ARRAY[1.5,2.0])",{"rows":[["f","t"]]}],
  ["SELECT 'abc' LIKE ANY(ARRAY['a%','x']), 'abc' NOT LIKE ALL(ARRAY['x%','y%'])",{"rows":[["t","t"]]}],
  ["SELECT 1 < ANY(ARRAY[NULL])",{"error":"42883","message":"operator does not exist: integer < text"}],
  ["SELECT 1 IN (1, 2)",{"rows":[["t"]]}],
  ["SELECT array_ndims(ARRAY[[1],[2]]), array_ndims('{}'::int[]), array_dims('[0:1]={1,2}'::int[]), array_dims(ARRAY[[1],[2]])",{"rows":[["2",null,"[0:1]","[1:2][1:1]"]]}],
  ["SELECT array_length(ARRAY[[1,2,3],[4,5,6]], 2), array_length(ARRAY[1], 2), array_lower('[3:4]={1,2}'::int[], 1), array_upper('[3:4]={1,2}'::int[], 1)",{"rows":[["3",null,"3","4"]]}],
  ["SELECT cardinality(ARRAY[[1,2],[3,4]]), cardinality('{}'::int[])",{"rows":[["4","0"]]}],
  ["SELECT array_ndims(NULL)",{"error":"42804","message":"could not determine polymorphic type because input has type unknown"}],
  ["SELECT array_ndims(7)",{"error":"42883","message":"function array_ndims(integer) does not exist"}],
  ["SELECT array_length(ARRAY[1], true)",{"error":"42883","message":"function array_length(integer[], boolean) does not exist"}],
  ["SELECT array_append(ARRAY[1,2], 3), array_append(NULL::int[], 1), array_prepend(0, ARRAY[1]), array_cat(ARRAY[1], ARRAY[[2]]), array_cat(NULL::int[], ARRAY[1])",{"rows":[["{1,2,3}","{1}","{0,1}","{{1},{2}}","{1}"]]}],
  ["SELECT array_append('[3:4]={1,2}'::int[], 5), array_prepend(0, '[3:4]={1,2}'::int[])",{"rows":[["[3:5]={1,2,5}","[3:5]={0,1,2}"]]}],
  ["SELECT array_append(ARRAY[[1]], 2)",{"error":"22000","message":"argument must be empty or one-dimensional array"}],
  ["SELECT array_remove(ARRAY[1,2,1,NULL], 1), array_remove(ARRAY[1,NULL], NULL), array_remove(ARRAY[1], 1)",{"rows":[["{2,NULL}","{1}","{}"]]}],
  ["SELECT array_remove(ARRAY[[1]], 1)",{"error":"0A000","message":"removing elements from multidimensional arrays is not supported"}],
  ["SELECT array_replace(ARRAY[[1,2],[NULL,1]], 1, 9), array_replace(ARRAY[1,NULL], NULL, 5)",{"rows":[["{{9,2},{NULL,9}}","{1,5}"]]}],
  ["SELECT array_position(ARRAY['a','b','a'], 'a'), array_position(ARRAY['a','b','a'], 'a', 2), array_position(ARRAY[1,NULL], NULL), array_position(ARRAY[1], 5)",{"rows":[["1","3","2",null]]}],
  ["SELECT array_positions(ARRAY[1,2,1], 1), array_positions(ARRAY[1], 5)",{"rows":[["{1,3}","{}"]]}],
  ["SELECT array_position(ARRAY[1], 1, NULL)",{"error":"22004","message":"initial position must not be null"}],
  ["SELECT array_to_string(ARRAY[1,NULL,3], ','), array_to_string(ARRAY[1,NULL,3], ',', '*'), array_to_string(ARRAY[[1,2],[3,4]], '-'), array_to_string(ARRAY[1.50, 2], '|')",{"rows":[["1,3","1,*,3","1-2-3-4","1.50|2"]]}],
  ["SELECT string_to_array('a,b,,c', ','), string_to_array('abc', NULL), string_to_array('abc', ''), string_to_array('', ','), string_to_array('a,*,c', ',', '*')",{"rows":[["{a,b,\"\",c}","{a,b,c}","{abc}","{}","{a,NULL,c}"]]}],
  ["SELECT trim_array(ARRAY[1,2,3], 2), trim_array(ARRAY[[1,2],[3,4]], 1)",{"rows":[["{1}","{{1,2}}"]]}],
  ["SELECT trim_array(ARRAY[1], 3)",{"error":"2202E","message":"number of elements to trim must be between 0 and 1"}],
  ["SELECT GREATEST(ARRAY[1,2], ARRAY[1,3]), LEAST(ARRAY[1,2], ARRAY[1,3])",{"rows":[["{1,3}","{1,2}"]]}],
  ["SELECT COALESCE(NULL, ARRAY[1]), CASE WHEN true THEN ARRAY[1] ELSE ARRAY[2.5] END",{"rows":[["{1}","{1}"]]}],
  ["SELECT ARRAY[1,2] IS DISTINCT FROM ARRAY[1,2], NULLIF(ARRAY[1], ARRAY[1])",{"rows":[["f",null]]}],
  ["SELECT ARRAY[now()::date - now()::date]",{"rows":[["{0}"]]}],
  ["SELECT ARRAY['2020-01-01'::date] || '2020-01-02 03:04:05'::timestamp",{"rows":[["{\"2020-01-01 00:00:00\",\"2020-01-02 03:04:05\"}"]]}],
  ["SELECT ARRAY[1::numeric, 2.50]::float8[], ARRAY[1e300]::float4[]",{"error":"22003","message":"\"1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\" is out of range for type real"}],
  ["SELECT '{1,2}'::int[] AS x, ARRAY[1]::int8[] AS y",{"rows":[["{1,2}","{1}"]]}],
  ["SELECT array_length('{1,2}'::int[], 1), array_ndims('{{1}}'::int[])",{"rows":[["2","2"]]}],
  ["SELECT ARRAY[1,2]::varchar(1)[]",{"rows":[["{1,2}"]]}],
  ["SELECT '{abc}'::varchar(2)[]",{"rows":[["{ab}"]]}],
  ["SELECT CAST('{1.26}' AS numeric(3,1)[])",{"rows":[["{1.3}"]]}],
  ["SELECT ARRAY[1,2] @> '{1}', '{1}' <@ ARRAY[1,2]",{"rows":[["t","t"]]}],
  ["SELECT ARRAY['a','b'] || ARRAY['c'::varchar]",{"rows":[["{a,b,c}"]]}],
  ["SELECT ARRAY[1] || ARRAY[1.5]",{"rows":[["{1,1.5}"]]}],
  ["SELECT ARRAY[1,2,3] = ARRAY[1,2,3]::int8[]",{"error":"42883","message":"operator does not exist: integer[] = bigint[]"}],
  ["SELECT 1 = ANY(ARRAY[1::int8, 2])",{"rows":[["t"]]}],
  ["SELECT 1::int2 = ANY(ARRAY[1,2])",{"rows":[["t"]]}],
  ["SELECT NOT (1 = ANY(ARRAY[2,3]))",{"rows":[["t"]]}],
  ["SELECT 5 > ALL(ARRAY[1,2,3]), 5 > ALL(ARRAY[1,6])",{"rows":[["t","f"]]}],
  ["SELECT 'a' = ANY(ARRAY['a','b']::varchar[])",{"rows":[["t"]]}],
  ["SELECT 'a'::text = ANY(ARRAY['a']::varchar[])",{"rows":[["t"]]}],
  ["SELECT '1 day'::interval = ANY(ARRAY['24 hours'::interval])",{"rows":[["t"]]}],
  ["SELECT ARRAY[1,2] IN (ARRAY[1,2], ARRAY[3])",{"rows":[["t"]]}],
  ["SELECT ARRAY['a', NULL] = ARRAY['a', NULL]",{"rows":[["t"]]}],
  ["SELECT array_upper(ARRAY[[1,2],[3,4]], 2), array_lower(ARRAY[1], 0)",{"rows":[["2",null]]}],
  ["SELECT array_cat(ARRAY[[1]], ARRAY[[2,3]])",{"error":"2202E","message":"cannot concatenate incompatible arrays","detail":"Arrays with differing element dimensions are not compatible for concatenation."}],
  ["SELECT array_cat('[2:3]={1,2}'::int[], ARRAY[3])",{"rows":[["[2:4]={1,2,3}"]]}],
  ["SELECT ARRAY[ARRAY[1,2], NULL]",{"error":"2202E","message":"multidimensional arrays must have array expressions with matching dimensions"}],
  ["SELECT ARRAY[NULL::int[], NULL::int[]]",{"rows":[["{}"]]}],
  ["SELECT ARRAY['{1}'::int[], '{}']",{"error":"2202E","message":"multidimensional arrays must have array expressions with matching dimensions"}],
  ["SELECT ARRAY[[1,2],[3,4]]::text[]",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT ARRAY[[1,2],[3,4]]::text",{"rows":[["{{1,2},{3,4}}"]]}],
  ["SELECT '{{1,2},{3,4}}'::int[] = ARRAY[[1,2],[3,4]]",{"rows":[["t"]]}],
  ["SELECT array_to_string(ARRAY['a','b'], NULL, 'x')",{"rows":[[null]]}],
  ["SELECT array_to_string(ARRAY[true, false], ',')",{"rows":[["t,f"]]}],
  ["SELECT array_to_string(ARRAY['2020-01-01 10:00'::timestamptz], ',')",{"rows":[["2020-01-01 10:00:00+00"]]}],
  ["SELECT string_to_array('1,2', ',')::int[]",{"rows":[["{1,2}"]]}],
  ["SELECT string_to_array(NULL, ',')",{"rows":[[null]]}],
  ["SELECT array_position(ARRAY[1.5, 2], 2)",{"rows":[["2"]]}],
  ["SELECT array_position(ARRAY['a'], 1)",{"error":"42883","message":"function array_position(text[], integer) does not exist"}],
  ["SELECT array_remove(ARRAY[1,2], 1.5)",{"rows":[["{1,2}"]]}],
  ["SELECT array_append(ARRAY[1], 'x')",{"error":"22P02","message":"invalid input syntax for type integer: \"x\""}],
  ["SELECT array_append(NULL, 1)",{"rows":[["{1}"]]}],
  ["SELECT array_append(ARRAY[1], NULL)",{"rows":[["{1,NULL}"]]}],
  ["SELECT array_cat(NULL, NULL)",{"rows":[[null]]}],
  ["SELECT array_dims(NULL::int[])",{"rows":[[null]]}],
  ["SELECT cardinality(NULL::int[])",{"rows":[[null]]}],
  ["SELECT cardinality(1)",{"error":"42883","message":"function cardinality(integer) does not exist"}],
  ["SELECT array_length(ARRAY[1,2])",{"error":"42883","message":"function array_length(integer[]) does not exist"}],
  ["SELECT ARRAY[1,2][1]",{"error":"42601","message":"syntax error at or near \"[\""}],
  ["SELECT (ARRAY[1,2])[1:1][1:1]",{"rows":[["{}"]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[2:2][2]",{"rows":[["{{3,4}}"]]}],
  ["SELECT (ARRAY[[1,2],[3,4]])[1][2:2]",{"rows":[["{{2}}"]]}],
  ["SELECT (ARRAY[1,2,3])[2:NULL]",{"rows":[[null]]}],
  ["SELECT (ARRAY[1,2,3])[1:2][1:1][1:1][1:1][1:1][1:1][1:1]",{"error":"54000","message":"number of array dimensions (7) exceeds the maximum allowed (6)"}],
  ["SELECT ('{}'::int[])[1], ('{}'::int[])[1:2]",{"rows":[[null,"{}"]]}],
  ["SELECT ARRAY[1,2] < ARRAY[1]",{"rows":[["f"]]}],
  ["SELECT ARRAY[1] < ARRAY[[1]]",{"rows":[["t"]]}],
  ["SELECT max(x), min(x) FROM (VALUES (ARRAY[1,2]), (ARRAY[1,3]), (NULL)) v(x)",{"rows":[["{1,3}","{1,2}"]]}],
  ["SELECT array_agg(x ORDER BY x) FROM (VALUES (3), (1), (NULL)) v(x)",{"rows":[["{1,3,NULL}"]]}],
  ["SELECT array_agg(x) FILTER (WHERE x > 1) FROM (VALUES (3), (1), (2)) v(x)",{"rows":[["{3,2}"]]}],
  ["SELECT array_agg(x) FROM (VALUES (ARRAY[1]), (NULL)) v(x)",{"error":"22004","message":"cannot accumulate null arrays"}],
  ["SELECT array_agg(x) FROM (VALUES ('{}'::int[])) v(x)",{"error":"2202E","message":"cannot accumulate empty arrays"}],
  ["SELECT x FROM (VALUES (ARRAY[1,2]), (ARRAY[1,2]), (ARRAY[3])) v(x) GROUP BY x ORDER BY x",{"rows":[["{1,2}"],["{3}"]]}],
  ["SELECT DISTINCT x FROM (VALUES (ARRAY[1,2]), (ARRAY[1,2]), (ARRAY[3])) v(x) ORDER BY x",{"rows":[["{1,2}"],["{3}"]]}],
  ["SELECT ARRAY[1,2] = ARRAY[1,2] AND 1 = 1",{"rows":[["t"]]}],
  ["SELECT ARRAY['{\"a\":1}'::jsonb]",{"rows":[["{\"{\\\"a\\\": 1}\"}"]]}],
  ["SELECT ARRAY['{\"a\":1}'::json] = ARRAY['{\"a\":1}'::json]",{"error":"42883","message":"could not identify an equality operator for type json"}],
  ["SELECT ARRAY[1, 2.5, 1e10]",{"rows":[["{1,2.5,10000000000}"]]}],
  ["SELECT ARRAY['1 day'::interval, '2 hours']",{"rows":[["{\"1 day\",02:00:00}"]]}],
  ["SELECT ARRAY['a'::char(3)]",{"rows":[["{\"a  \"}"]]}],
  ["SELECT ARRAY[$$a\\b$$, 'c\"d', '{x}', ' lead', 'trail ']",{"rows":[["{\"a\\\\b\",\"c\\\"d\",\"{x}\",\" lead\",\"trail \"}"]]}],
  ["SELECT '{\"a\\\\b\",\"c\\\"d\"}'::text[]",{"rows":[["{\"a\\\\b\",\"c\\\"d\"}"]]}],
  ["SELECT '{  a  ,  b c  }'::text[]",{"rows":[["{a,\"b c\"}"]]}],
  ["SELECT '{1,2}'::int[][]::text",{"rows":[["{1,2}"]]}],
  ["SELECT '{}'::int[] = '{}'::int[], '{}'::int[] < '{1}'",{"rows":[["t","t"]]}],
  ["SELECT '[1:0]={}'::int[]",{"error":"2202E","message":"upper bound cannot be less than lower bound"}],
  ["SELECT '[2:1]={1}'::int[]",{"error":"2202E","message":"upper bound cannot be less than lower bound"}],
  ["SELECT '[1:2]={1}'::int[]",{"error":"22P02","message":"malformed array literal: \"[1:2]={1}\"","detail":"Specified array dimensions do not match array contents."}],
  ["SELECT '{1,{2}}'::int[]",{"error":"22P02","message":"malformed array literal: \"{1,{2}}\"","detail":"Unexpected \"{\" character."}],
  ["SELECT '{{1},2}'::int[]",{"error":"22P02","message":"malformed array literal: \"{{1},2}\"","detail":"Unexpected array element."}],
  ["SELECT '{1}}'::int[]",{"error":"22P02","message":"malformed array literal: \"{1}}\"","detail":"Junk after closing right brace."}],
  ["SELECT 'abc'::int[]",{"error":"22P02","message":"malformed array literal: \"abc\"","detail":"Array value must start with \"{\" or dimension information."}],
  ["SELECT '{a}'::int[]",{"error":"22P02","message":"invalid input syntax for type integer: \"a\""}],
  ["SELECT '{1,2}'::int2[] || '{70000}'::int4[]",{"rows":[["{1,2,70000}"]]}],
  ["SELECT ARRAY[1]::int2[] || 70000",{"rows":[["{1,70000}"]]}],
];

let engine: Engine;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pyralog-array-'));
  engine = await createEngine({ dataDir: dir });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('array expressions match PostgreSQL 15', () => {
  for (const [sql, want] of CASES) {
    it(sql, async () => {
      const s = openSession(engine, { user: 'postgres', startupParams: { TimeZone: 'UTC' } });
      try {
        let got: Expected;
        try {
          const r = await query(s, sql);
          got = { rows: r[r.length - 1]!.rows };
        } catch (e) {
          if (!(e instanceof DbError)) throw e;
          got = { error: e.code, message: e.message, ...(e.fields.detail !== undefined ? { detail: e.fields.detail } : {}) };
        }
        expect(got).toEqual(want);
      } finally {
        s.close();
      }
    });
  }
});
