// PostgreSQL-oracle test of Numeric arithmetic: numeric-fixtures.json holds what PostgreSQL 15
// returned (text, so the display scale is checked too) or the error it raised, for random and
// hand-picked operands (test/catalog/types/oracle/gen/gen-pg-numeric-oracle.mjs). A method the Numeric class does not
// have yet, or a 0A000, counts as unimplemented; known mismatches are listed in
// known-numeric-mismatches.json (ORACLE_RECORD=1 rewrites it); any other mismatch fails.
import { describe, it, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as catalog from '../../../../catalog/index.js';
import { OracleLedger, compareAnswer } from './ledger.js';

interface Case { op: string; a: string; b?: string; s?: number; out?: string; error?: { code: string; message: string } }
const fixtures = JSON.parse(readFileSync(new URL('./numeric-fixtures.json', import.meta.url), 'utf8')) as { serverVersion: string; cases: Case[] };
const ledger = new OracleLedger(new URL('./known-numeric-mismatches.json', import.meta.url));
// Cases that never returned (an endless loop in the implementation): not executed, so the suite
// still finishes; they are reported as known mismatches until removed from this file.
const hangs = new Set<string>(JSON.parse(readFileSync(new URL('./known-numeric-hangs.json', import.meta.url), 'utf8')) as string[]);

type Num = Record<string, (...args: unknown[]) => unknown> & { toString(): string };
const api = catalog as unknown as Record<string, unknown>;
const NumericClass = api['Numeric'] as { fromString(s: string): Num; fromNumber(v: number, float4?: boolean): Num } | undefined;
const textIn = api['textIn'] as (oid: number, t: string, fmt: unknown) => unknown;
const textOut = api['textOut'] as (oid: number, v: unknown, fmt: unknown) => string;
const FMT = { timeZone: 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1, byteaOutput: 'hex' as const };

class Unimplemented extends Error {}
/** A method the class does not have yet, or a 0A000 PostgreSQL does not raise for the case. */
const unimplemented = (e: unknown, c: Case): boolean => e instanceof Unimplemented || (e instanceof catalog.DbError && e.code === '0A000' && c.error?.code !== '0A000');

function call(n: Num, method: string, ...args: unknown[]): unknown {
  const f = n[method];
  if (typeof f !== 'function') throw new Unimplemented(`Numeric.${method} missing`);
  return f.apply(n, args);
}

function evaluate(c: Case): string {
  if (NumericClass === undefined) throw new Unimplemented('Numeric not exported');
  if (c.op === 'fromFloat8') return String(NumericClass.fromNumber(textIn(701, c.a, FMT) as number));
  if (c.op === 'fromFloat4') return String(NumericClass.fromNumber(textIn(700, c.a, FMT) as number, true));
  const a = NumericClass.fromString(c.a);
  const b = c.b === undefined ? undefined : NumericClass.fromString(c.b);
  switch (c.op) {
    case 'add': case 'sub': case 'mul': case 'div': case 'mod': case 'pow':
      return String(call(a, c.op, b));
    case 'round': case 'trunc':
      return String(call(a, c.op, c.s));
    case 'ceil': case 'floor': case 'sqrt': case 'exp': case 'ln': case 'abs': case 'neg':
      return String(call(a, c.op));
    case 'int8': return String(call(a, 'toBigInt', 'bigint'));
    case 'int4': return String(call(a, 'toInt', 'integer'));
    case 'int2': return String(call(a, 'toInt', 'smallint'));
    case 'float8': return textOut(701, call(a, 'toNumber'), FMT);
    default: throw new Error(`unknown op ${c.op}`);
  }
}

const ops = [...new Set(fixtures.cases.map((c) => c.op))];

describe(`Numeric against PostgreSQL ${fixtures.serverVersion}`, () => {
  for (const op of ops) {
    it(op, () => {
      const failures: string[] = [];
      for (const c of fixtures.cases.filter((x) => x.op === op)) {
        const label = `${c.op}(${[c.a, c.b, c.s].filter((x) => x !== undefined).join(', ')})`;
        if (hangs.has(label)) ledger.noteKnown(label);
        else ledger.note(label, compareAnswer(c, () => evaluate(c), (e) => unimplemented(e, c)), failures);
      }
      ledger.expectNoNew(failures);
    });
  }
  afterAll(() => ledger.finish('numeric oracle'));
});
