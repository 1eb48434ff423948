// PostgreSQL-oracle test of the clock-dependent inputs ('now', 'today', 'tomorrow', ...):
// now-fixtures.json (test/catalog/types/oracle/gen/gen-pg-now-oracle.mjs) holds, per session TimeZone, one
// transaction's now() in µs since 2000-01-01 UTC and what PostgreSQL 15 made of each input in
// that transaction. The codecs get that instant as FormatSettings.nowMicros.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import * as catalog from '../../../../catalog/index.js';

interface Case { type: string; oid: number; input: string; out?: string; error?: { code: string; message: string } }
const fx = JSON.parse(readFileSync(new URL('./now-fixtures.json', import.meta.url), 'utf8')) as {
  serverVersion: string; groups: Array<{ zone: string; nowMicros: string; cases: Case[] }>;
};
// Mismatches already known (see FINDINGS.md), by "<zone> <type> <input>"; any other fails.
const known = new Set<string>(JSON.parse(readFileSync(new URL('./known-now-mismatches.json', import.meta.url), 'utf8')) as string[]);
const api = catalog as unknown as Record<string, unknown>;
const textIn = api['textIn'] as (oid: number, t: string, fmt: unknown) => unknown;
const textOut = api['textOut'] as (oid: number, v: unknown, fmt: unknown) => string;

describe(`clock inputs against PostgreSQL ${fx.serverVersion}`, () => {
  for (const g of fx.groups) {
    it(`TimeZone ${g.zone}`, () => {
      const fmt = { timeZone: g.zone, dateStyle: 'ISO, MDY', intervalStyle: 'postgres', extraFloatDigits: 1, byteaOutput: 'hex' as const, nowMicros: BigInt(g.nowMicros) };
      const wrong: string[] = [];
      for (const c of g.cases) {
        const label = `${c.type} ${JSON.stringify(c.input)}`;
        try {
          const out = textOut(c.oid, textIn(c.oid, c.input, fmt), fmt);
          if (c.error) wrong.push(`${label}: gave ${out}; PostgreSQL ${c.error.code} ${c.error.message}`);
          else if (out !== c.out) wrong.push(`${label}: gave ${out}; PostgreSQL ${c.out}`);
        } catch (e) {
          const code = (e as { code?: string }).code;
          const msg = (e as Error).message;
          if (!c.error) wrong.push(`${label}: threw ${String(code)} ${msg}; PostgreSQL ${c.out}`);
          else if (code !== c.error.code || msg !== c.error.message) wrong.push(`${label}: threw ${String(code)} ${msg}; PostgreSQL ${c.error.code} ${c.error.message}`);
        }
      }
      const fresh = wrong.filter((w) => !known.has(`${g.zone} ${w.slice(0, w.indexOf(':', w.indexOf('"', w.indexOf('"') + 1)))}`));
      expect(fresh, wrong.join('\n')).toEqual([]);
    });
  }
});
