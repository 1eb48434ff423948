// PostgreSQL-oracle test of binary input (recv): binary-fixtures.json holds PostgreSQL 15's
// answer to a binary Bind parameter (test/catalog/types/oracle/gen/gen-pg-binary-oracle.mjs): the value's text
// output, or the error. PostgreSQL's wire layer words a leftover-bytes error as "incorrect
// binary data format in bind parameter N"; the codec cannot know N, so a message that is that
// text without the " in bind parameter N" suffix matches too. Known mismatches are listed in
// known-binary-mismatches.json (ORACLE_RECORD=1 rewrites it); any other mismatch fails.
import { describe, it, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as catalog from '../../../../catalog/index.js';
import { OracleLedger, type Outcome } from './ledger.js';

interface Case { type: string; hex: string; oid: number; out?: string; error?: { code: string; message: string; detail?: string } }
const fixtures = JSON.parse(readFileSync(new URL('./binary-fixtures.json', import.meta.url), 'utf8')) as { serverVersion: string; cases: Case[] };
const ledger = new OracleLedger(new URL('./known-binary-mismatches.json', import.meta.url));

const api = catalog as unknown as Record<string, unknown>;
const binaryIn = api['binaryIn'] as (oid: number, bytes: Uint8Array, typmod?: number) => unknown;
const textOut = api['textOut'] as (oid: number, v: unknown, fmt: unknown) => string;
const FMT = { timeZone: 'UTC', dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1, byteaOutput: 'hex' as const };

function sameError(got: { code?: string; message: string; detail?: string }, want: NonNullable<Case['error']>): boolean {
  if (got.code !== want.code) return false;
  const wantMsg = want.message.replace(/ in bind parameter \d+$/, '');
  if (got.message !== want.message && got.message !== wantMsg) return false;
  return want.detail === undefined || got.detail === want.detail;
}

function verdict(c: Case): Outcome {
  let out: string;
  try {
    out = textOut(c.oid, binaryIn(c.oid, Buffer.from(c.hex, 'hex')), FMT);
  } catch (e) {
    if (e instanceof catalog.DbError && e.code === '0A000') return { kind: 'unimplemented' };
    const got = { code: (e as { code?: string }).code, message: (e as Error).message, detail: (e as { fields?: { detail?: string } }).fields?.detail };
    if (!c.error) return { kind: 'fail', why: `threw ${String(got.code)} ${got.message}; PostgreSQL ${JSON.stringify(c.out)}` };
    if (!sameError(got, c.error)) return { kind: 'fail', why: `threw ${JSON.stringify(got)}; PostgreSQL ${JSON.stringify(c.error)}` };
    return { kind: 'pass' };
  }
  if (c.error) return { kind: 'fail', why: `accepted as ${JSON.stringify(out)}; PostgreSQL: ${c.error.code} ${c.error.message}` };
  if (out !== c.out) return { kind: 'fail', why: `gave ${JSON.stringify(out)}; PostgreSQL ${JSON.stringify(c.out)}` };
  return { kind: 'pass' };
}

const types = [...new Set(fixtures.cases.map((c) => c.type))];

describe(`binaryIn against PostgreSQL ${fixtures.serverVersion}`, () => {
  for (const type of types) {
    it(type, () => {
      const failures: string[] = [];
      for (const c of fixtures.cases.filter((x) => x.type === type)) {
        ledger.note(`${c.type} ${c.hex}`, verdict(c), failures);
      }
      ledger.expectNoNew(failures);
    });
  }
  afterAll(() => ledger.finish('binary oracle'));
});
