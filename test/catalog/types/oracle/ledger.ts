// The bookkeeping the oracle suites share: one suite's known mismatches (known-*.json), the tally
// printed after the suite, and ORACLE_RECORD=1, which rewrites the known list with every
// mismatch seen instead of failing on new ones. Also the verdict of a case whose answer is one
// string or PostgreSQL's error (code and message), as the numeric and date/time suites compare.
import { expect } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';

export type Outcome = { kind: 'pass' } | { kind: 'unimplemented' } | { kind: 'fail'; why: string };

/** What PostgreSQL answered for a case: a text, or an error. */
export interface Answer { out?: string; error?: { code: string; message: string } }

export class OracleLedger {
  static readonly RECORD = process.env['ORACLE_RECORD'] === '1';
  readonly known: ReadonlySet<string>;
  private readonly tally = { pass: 0, unimplemented: 0, knownFail: 0, newFail: 0 };
  private readonly recorded: string[] = [];

  constructor(private readonly knownUrl: URL) {
    this.known = new Set<string>(JSON.parse(readFileSync(knownUrl, 'utf8')) as string[]);
  }

  /** Counts one case under `key`; a mismatch not known is added to `failures` as `<label>: <why>`. */
  note(key: string, o: Outcome, failures: string[], label = key): void {
    switch (o.kind) {
      case 'pass': this.tally.pass++; return;
      case 'unimplemented': this.tally.unimplemented++; return;
      case 'fail':
        this.recorded.push(key);
        if (this.known.has(key)) this.tally.knownFail++;
        else {
          this.tally.newFail++;
          failures.push(`${label}: ${o.why}`);
        }
        return;
      default: {
        const never: never = o;
        return never;
      }
    }
  }

  /** Counts a case that is not run (numeric's known hangs) as a known mismatch. */
  noteKnown(key: string): void {
    this.recorded.push(key);
    this.tally.knownFail++;
  }

  /** The end of one test: its new mismatches fail it (unless recording). */
  expectNoNew(failures: readonly string[]): void {
    if (!OracleLedger.RECORD) expect(failures, failures.join('\n')).toEqual([]);
  }

  /** For afterAll: the tally line, and the known list rewritten when recording. */
  finish(suite: string): void {
    const t = this.tally;
    // eslint-disable-next-line no-console
    console.log(`${suite}: ${t.pass} pass, ${t.unimplemented} unimplemented, ${t.knownFail} known mismatches, ${t.newFail} new mismatches`);
    if (OracleLedger.RECORD) writeFileSync(this.knownUrl, JSON.stringify([...new Set(this.recorded)].sort(), null, 1) + '\n');
  }
}

/**
 * The outcome of `evaluate()` against PostgreSQL's answer `c`: equal text, or the same error code
 * and message. A throw `unimplemented(e)` accepts counts as unimplemented.
 */
export function compareAnswer(c: Answer, evaluate: () => string, unimplemented: (e: unknown) => boolean): Outcome {
  let got: string;
  try {
    got = evaluate();
  } catch (e) {
    if (unimplemented(e)) return { kind: 'unimplemented' };
    const code = (e as { code?: string }).code;
    const msg = (e as Error).message;
    if (!c.error) return { kind: 'fail', why: `threw ${String(code)} ${msg}; PostgreSQL: ${c.out}` };
    if (code !== c.error.code || msg !== c.error.message) return { kind: 'fail', why: `threw ${String(code)} ${msg}; PostgreSQL: ${c.error.code} ${c.error.message}` };
    return { kind: 'pass' };
  }
  if (c.error) return { kind: 'fail', why: `gave ${got}; PostgreSQL: ${c.error.code} ${c.error.message}` };
  if (got !== c.out) return { kind: 'fail', why: `gave ${got}; PostgreSQL: ${c.out}` };
  return { kind: 'pass' };
}
