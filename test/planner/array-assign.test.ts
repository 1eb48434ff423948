// Array element/slice assignment (bind/array-bind.ts bindArrayAssignment over
// eval/array-assign.ts) and ARRAY(SELECT ...) accumulation. Expected values and errors were
// produced by PostgreSQL 15.20 with `UPDATE asg SET a[...] = ...` on the same starting arrays
// and `SELECT ARRAY(SELECT a FROM (VALUES ...) v(a))`.
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { DbError, DEFAULT_FORMAT_SETTINGS, TypeOid, textIn, textOut, type PgArray } from '../../catalog/index.js';
import { createEngine, type Engine } from '../../planner/index.js';
import { Binder } from '../../planner/bind/binder.js';
import { bindArrayAssignment } from '../../planner/bind/array-bind.js';
import type { BoundExpr, EvalContext, SessionEnv } from '../../planner/bind/expr.js';
import { ParamTypes } from '../../planner/bind/params.js';
import { t } from '../../planner/bind/types.js';
import { compile } from '../../planner/eval/compile.js';
import { arraySubquery } from '../../planner/eval/array-assign.js';
import { FunctionRegistry } from '../../planner/funcs/registry.js';
import { loadParser, parseStatements } from '../../planner/parse/parser.js';
import type { Node } from '../../planner/parse/ast.js';
import { openSession } from './helpers.js';

let engine: Engine;
let dir: string;
beforeAll(async () => {
  await loadParser();
  dir = mkdtempSync(join(tmpdir(), 'pyralog-array-assign-'));
  engine = await createEngine({ dataDir: dir });
});
afterAll(async () => {
  await engine.close();
  rmSync(dir, { recursive: true, force: true });
});

const INT4_ARRAY = TypeOid._int4;

/** Runs `UPDATE x SET a[...] = <value>` against a starting int4[] (text form, or null). */
function assign(start: string | null, setClause: string): string | null {
  const s = openSession(engine, { user: 'postgres' });
  try {
    const fmt = s.formatSettings();
    const [st] = parseStatements(`UPDATE x SET ${setClause}`);
    const target = (st!.ast as unknown as { targetList: Array<{ name: string; indirection: Node[]; val: Node; location?: number }> }).targetList[0]!;
    const b = new Binder(new FunctionRegistry(), new ParamTypes([]), fmt, st!.source, undefined);
    const current: BoundExpr = { kind: 'const', type: t(INT4_ARRAY), value: start === null ? null : textIn(INT4_ARRAY, start, fmt), location: -1 };
    const e = bindArrayAssignment(b, current, target.name, target.indirection, b.bind(target.val), target.location ?? -1);
    const ctx = { params: [], fmt, cancel: { reason: undefined }, env: {} as SessionEnv } as unknown as EvalContext;
    const v = compile(e)([], ctx);
    return v === null ? null : textOut(INT4_ARRAY, v, fmt);
  } finally {
    s.close();
  }
}

function failure(f: () => unknown): { code: string; message: string } {
  try {
    f();
  } catch (e) {
    if (e instanceof DbError) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an error');
}

describe('array assignment matches PostgreSQL 15', () => {
  it('grows one-dimensional arrays in both directions', () => {
    expect(assign('{1,2}', 'a[5] = 9')).toBe('{1,2,NULL,NULL,9}');
    expect(assign('{1,2,NULL,NULL,9}', 'a[-1] = 7')).toBe('[-1:5]={7,NULL,1,2,NULL,NULL,9}');
    expect(assign('{1,2}', 'a[2] = NULL')).toBe('{1,NULL}');
  });
  it('assigns into NULL and empty arrays', () => {
    expect(assign(null, 'a[3] = 9')).toBe('[3:3]={9}');
    expect(assign('{}', 'a[2:3] = \'{5,6}\'')).toBe('[2:3]={5,6}');
    expect(assign('[2:3]={5,6}', 'a[1] = 1')).toBe('{1,5,6}');
    expect(assign('{1,5,6}', 'a[2] = 2')).toBe('{1,2,6}');
    expect(failure(() => assign('{}', 'a[:3] = \'{5,6}\''))).toEqual({ code: '2202E', message: 'array slice subscript must provide both boundaries' });
  });
  it('keeps multidimensional arrays inside their bounds', () => {
    expect(assign('{{1,2},{3,4}}', 'a[2][2] = 0')).toBe('{{1,2},{3,0}}');
    expect(assign('{{1,2},{3,0}}', 'a[1:2][1:1] = \'{{7},{8}}\'')).toBe('{{7,2},{8,0}}');
    expect(failure(() => assign('{{1,2},{3,4}}', 'a[3][1] = 9'))).toEqual({ code: '2202E', message: 'array subscript out of range' });
    expect(failure(() => assign('{{1,2},{3,4}}', 'a[1] = 9'))).toEqual({ code: '2202E', message: 'wrong number of array subscripts' });
    expect(failure(() => assign('{{1,2},{3,4}}', 'a[5:6] = \'{1,2}\''))).toEqual({ code: '2202E', message: 'array subscript out of range' });
    expect(failure(() => assign('{1,2}', 'a[1][1] = 1'))).toEqual({ code: '2202E', message: 'wrong number of array subscripts' });
  });
  it('checks slices, NULL subscripts and value types', () => {
    expect(assign('{1,2,3}', 'a[2:3] = \'{8,9,10}\'')).toBe('{1,8,9}');
    expect(assign('{1,2,3}', 'a[2:] = \'{8,9}\'')).toBe('{1,8,9}');
    expect(assign('{1,2,3}', 'a[2:3] = NULL')).toBe('{1,2,3}');
    expect(failure(() => assign('[-1:5]={7,NULL,1,2,NULL,NULL,9}', 'a[1:2] = \'{8}\''))).toEqual({ code: '2202E', message: 'source array too small' });
    expect(failure(() => assign('{1,2}', 'a[NULL] = 1'))).toEqual({ code: '22004', message: 'array subscript in assignment must not be null' });
    expect(failure(() => assign('{1,2}', 'a[1] = true'))).toEqual({ code: '42804', message: 'subscripted assignment to "a" requires type integer but expression is of type boolean' });
    expect(failure(() => assign('{1,2}', 'a[1:2] = 1'))).toEqual({ code: '42804', message: 'subscripted assignment to "a" requires type integer[] but expression is of type integer' });
    expect(failure(() => assign('{1,2}', 'a[1] = \'x\''))).toEqual({ code: '22P02', message: 'invalid input syntax for type integer: "x"' });
  });
});

describe('ARRAY(subquery) accumulation matches PostgreSQL 15', () => {
  const arr = (s: string): PgArray => textIn(INT4_ARRAY, s, DEFAULT_FORMAT_SETTINGS) as PgArray;
  it('collects scalars in row order, and no rows as {}', () => {
    const s = arraySubquery(t(TypeOid.int4));
    expect(s.type.oid).toBe(INT4_ARRAY);
    expect(s.collect([[3], [null], [1]])).toEqual({ dims: [3], lbounds: [1], values: [3, null, 1] });
    expect(s.collect([])).toEqual({ dims: [], lbounds: [], values: [] });
  });
  it('stacks arrays into one more dimension with array_agg errors', () => {
    const s = arraySubquery(t(INT4_ARRAY));
    expect(s.type.oid).toBe(INT4_ARRAY);
    expect(s.collect([[arr('{1}')], [arr('{2}')]])).toEqual({ dims: [2, 1], lbounds: [1, 1], values: [1, 2] });
    expect(failure(() => s.collect([[arr('{1}')], [arr('{1,2}')]]))).toEqual({ code: '2202E', message: 'cannot accumulate arrays of different dimensionality' });
    expect(failure(() => s.collect([[arr('{1}')], [null]]))).toEqual({ code: '22004', message: 'cannot accumulate null arrays' });
    expect(failure(() => s.collect([[arr('{1}')], [arr('{}')]]))).toEqual({ code: '2202E', message: 'cannot accumulate arrays of different dimensionality' });
    expect(failure(() => s.collect([[arr('{}')], [arr('{1}')]]))).toEqual({ code: '2202E', message: 'cannot accumulate empty arrays' });
  });
});
