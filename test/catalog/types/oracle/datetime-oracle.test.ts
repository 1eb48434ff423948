// PostgreSQL-oracle test of the date/time arithmetic helpers catalog/ exports for the planner
// (datetime-fixtures.json, from test/catalog/types/oracle/gen/gen-pg-datetime-oracle.mjs): timestamp(tz) ± interval,
// timestamp − timestamp, age(), justify_*(), interval ordering, date ± integer. Values go in
// and out through textIn/textOut, so parsing and formatting are exercised too. A helper that is
// not exported yet counts as unimplemented; known mismatches are listed in
// known-datetime-mismatches.json (ORACLE_RECORD=1 rewrites it); any other mismatch fails.
import { describe, it, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as catalog from '../../../../catalog/index.js';
import { OracleLedger, compareAnswer } from './ledger.js';

interface Case { op: string; zone?: string; a: string; b?: string; out?: string; error?: { code: string; message: string } }
const fixtures = JSON.parse(readFileSync(new URL('./datetime-fixtures.json', import.meta.url), 'utf8')) as { serverVersion: string; cases: Case[] };
const ledger = new OracleLedger(new URL('./known-datetime-mismatches.json', import.meta.url));

const api = catalog as unknown as Record<string, unknown>;
class Unimplemented extends Error {}
/** A helper not exported yet, or a 0A000 PostgreSQL does not raise for the case. */
const unimplemented = (e: unknown, c: Case): boolean => e instanceof Unimplemented || (e instanceof catalog.DbError && e.code === '0A000' && c.error?.code !== '0A000');
type Fn = (...args: unknown[]) => unknown;
function fn(...names: string[]): Fn {
  for (const n of names) if (typeof api[n] === 'function') return api[n] as Fn;
  throw new Unimplemented(`none of ${names.join('/')} exported`);
}
const textIn = (oid: number, t: string, fmt: unknown) => fn('textIn')(oid, t, fmt);
const textOut = (oid: number, v: unknown, fmt: unknown) => fn('textOut')(oid, v, fmt) as string;

const T = { date: 1082, ts: 1114, tstz: 1184, iv: 1186, int4: 23 };
function fmtFor(zone: string | undefined) {
  return { timeZone: zone ?? 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1, byteaOutput: 'hex' as const };
}
function zoneOf(name: string): unknown {
  return fn('zoneOrThrow', 'resolveZone')(name);
}

function evaluate(c: Case): string {
  const fmt = fmtFor(c.zone);
  switch (c.op) {
    case 'ts_plus_iv': return textOut(T.ts, fn('addInterval', 'timestampPlusInterval')(textIn(T.ts, c.a, fmt), textIn(T.iv, c.b!, fmt)), fmt);
    case 'ts_minus_iv': return textOut(T.ts, fn('subInterval', 'timestampMinusInterval')(textIn(T.ts, c.a, fmt), textIn(T.iv, c.b!, fmt)), fmt);
    case 'tstz_plus_iv': return textOut(T.tstz, fn('addInterval', 'timestampPlusInterval')(textIn(T.tstz, c.a, fmt), textIn(T.iv, c.b!, fmt), zoneOf(fmt.timeZone)), fmt);
    case 'ts_minus_ts': return textOut(T.iv, fn('timestampDiff', 'timestampMinus')(textIn(T.ts, c.a, fmt), textIn(T.ts, c.b!, fmt)), fmt);
    case 'age': return textOut(T.iv, fn('age', 'timestampAge')(textIn(T.ts, c.a, fmt), textIn(T.ts, c.b!, fmt)), fmt);
    case 'tstz_age': return textOut(T.iv, fn('age', 'timestampAge')(textIn(T.tstz, c.a, fmt), textIn(T.tstz, c.b!, fmt), zoneOf(fmt.timeZone)), fmt);
    case 'justify_hours': return textOut(T.iv, fn('justifyHours')(textIn(T.iv, c.a, fmt)), fmt);
    case 'justify_days': return textOut(T.iv, fn('justifyDays')(textIn(T.iv, c.a, fmt)), fmt);
    case 'justify_interval': return textOut(T.iv, fn('justifyInterval')(textIn(T.iv, c.a, fmt)), fmt);
    case 'iv_cmp': return String(Math.sign(fn('compareInterval', 'intervalCmp')(textIn(T.iv, c.a, fmt), textIn(T.iv, c.b!, fmt)) as number));
    case 'tstz_minus_iv': return textOut(T.tstz, fn('subInterval', 'timestampMinusInterval')(textIn(T.tstz, c.a, fmt), textIn(T.iv, c.b!, fmt), zoneOf(fmt.timeZone)), fmt);
    case 'tstz_minus_tstz': return textOut(T.iv, fn('timestampDiff', 'timestampMinus')(textIn(T.tstz, c.a, fmt), textIn(T.tstz, c.b!, fmt)), fmt);
    case 'date_plus_iv': return textOut(T.ts, fn('addInterval', 'timestampPlusInterval')(fn('dateToTimestamp')(textIn(T.date, c.a, fmt)), textIn(T.iv, c.b!, fmt)), fmt);
    case 'date_plus_int': return textOut(T.date, (textIn(T.date, c.a, fmt) as number) + Number(c.b), fmt);
    case 'date_minus_date': return String((textIn(T.date, c.a, fmt) as number) - (textIn(T.date, c.b!, fmt) as number));
    default: throw new Error(`unknown op ${c.op}`);
  }
}

const ops = [...new Set(fixtures.cases.map((c) => c.op))];

describe(`date/time arithmetic against PostgreSQL ${fixtures.serverVersion}`, () => {
  for (const op of ops) {
    it(op, () => {
      const failures: string[] = [];
      for (const c of fixtures.cases.filter((x) => x.op === op)) {
        const label = `${c.op}(${[c.zone, c.a, c.b].filter((x) => x !== undefined).join(', ')})`;
        ledger.note(label, compareAnswer(c, () => evaluate(c), (e) => unimplemented(e, c)), failures);
      }
      ledger.expectNoNew(failures);
    });
  }
  afterAll(() => ledger.finish('datetime oracle'));
});
