// PostgreSQL-oracle test of the type codecs: every case in fixtures.json is what a real
// PostgreSQL 15 answered (test/catalog/types/oracle/gen/gen-pg-oracle.mjs) for one text input under given session
// settings: either the text output and the binary (send) bytes, or the error it raised.
// For each case we check, through catalog/'s public door only:
//   textIn → textOut equals PostgreSQL's text; textIn → binaryOut equals its send bytes;
//   binaryIn(send bytes) → textOut equals the text again; errors match code, message, detail, hint.
// A codec that answers 0A000 ("not supported yet") is counted as unimplemented, not as a pass.
// Mismatches already known are listed in known-mismatches.json (regenerate with
// ORACLE_RECORD=1 npx vitest run test/catalog/types/oracle); any other mismatch fails.
import { describe, it, expect, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import * as catalog from '../../../../catalog/index.js';
import { OracleLedger, type Outcome } from './ledger.js';

interface Settings { DateStyle: string; TimeZone: string; IntervalStyle: string; extra_float_digits: string; bytea_output: string }
interface Case { type: string; input: string; oid: number; typmod?: number; out?: string; bin?: string; error?: { code: string; message: string; detail?: string; hint?: string } }
interface Group { settings: Settings; assign: boolean; explicit?: boolean; cases: Case[] }

const fixtures = JSON.parse(readFileSync(new URL('./fixtures.json', import.meta.url), 'utf8')) as { serverVersion: string; groups: Group[] };
const ledger = new OracleLedger(new URL('./known-mismatches.json', import.meta.url));

// The public API the brief fixes; looked up dynamically so a missing export fails loudly.
type TextIn = (oid: number, text: string, fmt: unknown, typmod?: number, opts?: { explicitCast?: boolean }) => unknown;
type TextOut = (oid: number, value: unknown, fmt: unknown) => string;
type BinOut = (oid: number, value: unknown) => Uint8Array;
type BinIn = (oid: number, bytes: Uint8Array, typmod?: number) => unknown;
const api = catalog as unknown as Record<string, unknown>;
const textIn = api['textIn'] as TextIn;
const textOut = api['textOut'] as TextOut;
const binaryOut = api['binaryOut'] as BinOut;
const binaryIn = api['binaryIn'] as BinIn;

function fmtOf(s: Settings) {
  return {
    timeZone: s.TimeZone,
    dateStyle: s.DateStyle,
    intervalStyle: s.IntervalStyle,
    extraFloatDigits: Number(s.extra_float_digits),
    byteaOutput: s.bytea_output as 'hex' | 'escape',
  };
}

function settingsLabel(s: Settings): string {
  return `DateStyle=${s.DateStyle} TimeZone=${s.TimeZone} IntervalStyle=${s.IntervalStyle} efd=${s.extra_float_digits} bytea=${s.bytea_output}`;
}

function keyOf(g: Group, c: Case): string {
  return JSON.stringify([settingsLabel(g.settings), g.assign, c.type, c.input]);
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A 0A000 that PostgreSQL itself does not raise for this case. */
function isUnimplemented(e: unknown, c?: Case): boolean {
  return e instanceof catalog.DbError && e.code === '0A000' && c?.error?.code !== '0A000';
}

function runCase(g: Group, c: Case): Outcome {
  const fmt = fmtOf(g.settings);
  // Assignment applies the column's typmod; an explicit cast applies it with explicitCast
  // (silent truncation of character types).
  const typmod = g.assign || g.explicit ? (c.typmod ?? -1) : -1;
  let value: unknown;
  try {
    value = g.explicit ? textIn(c.oid, c.input, fmt, typmod, { explicitCast: true }) : textIn(c.oid, c.input, fmt, typmod);
  } catch (e) {
    if (isUnimplemented(e, c)) return { kind: 'unimplemented' };
    if (c.error === undefined) return { kind: 'fail', why: `textIn threw ${String((e as { code?: string }).code)} ${(e as Error).message}; PostgreSQL gives ${JSON.stringify(c.out)}` };
    if (!(e instanceof catalog.DbError)) return { kind: 'fail', why: `threw a non-DbError: ${String(e)}` };
    const got = { code: e.code, message: e.message, detail: e.fields.detail, hint: e.fields.hint };
    const want = { code: c.error.code, message: c.error.message, detail: c.error.detail, hint: c.error.hint };
    if (JSON.stringify(got) !== JSON.stringify(want)) return { kind: 'fail', why: `error ${JSON.stringify(got)}; PostgreSQL: ${JSON.stringify(want)}` };
    return { kind: 'pass' };
  }
  if (c.error !== undefined) return { kind: 'fail', why: `accepted (value ${safe(() => textOut(c.oid, value, fmt))}); PostgreSQL: ${c.error.code} ${c.error.message}` };
  try {
    const out = textOut(c.oid, value, fmt);
    if (out !== c.out) return { kind: 'fail', why: `textOut ${JSON.stringify(out)}; PostgreSQL ${JSON.stringify(c.out)}` };
    const bin = hex(binaryOut(c.oid, value));
    if (bin !== c.bin) return { kind: 'fail', why: `binaryOut ${bin}; PostgreSQL ${c.bin}` };
    const back = binaryIn(c.oid, Buffer.from(c.bin!, 'hex'), typmod);
    const out2 = textOut(c.oid, back, fmt);
    if (out2 !== c.out) return { kind: 'fail', why: `binaryIn→textOut ${JSON.stringify(out2)}; PostgreSQL ${JSON.stringify(c.out)}` };
  } catch (e) {
    if (isUnimplemented(e, c)) return { kind: 'unimplemented' };
    return { kind: 'fail', why: `threw ${String((e as { code?: string }).code)} ${(e as Error).message}` };
  }
  return { kind: 'pass' };
}

function safe(f: () => string): string {
  try { return JSON.stringify(f()); } catch (e) { return `<textOut threw ${(e as Error).message}>`; }
}

describe(`codecs against PostgreSQL ${fixtures.serverVersion}`, () => {
  it('exports the codec API', () => {
    for (const f of ['textIn', 'textOut', 'binaryIn', 'binaryOut']) expect(typeof api[f], f).toBe('function');
  });
  fixtures.groups.forEach((g, gi) => {
    const types = [...new Set(g.cases.map((c) => c.type))];
    describe(`group ${gi}: ${settingsLabel(g.settings)}${g.assign ? ' (assignment with typmod)' : ''}${g.explicit ? ' (explicit cast with typmod)' : ''}`, () => {
      for (const type of types) {
        it(type, () => {
          const failures: string[] = [];
          for (const c of g.cases.filter((x) => x.type === type)) ledger.note(keyOf(g, c), runCase(g, c), failures, JSON.stringify(c.input));
          ledger.expectNoNew(failures);
        });
      }
    });
  });
  afterAll(() => ledger.finish('oracle'));
});
