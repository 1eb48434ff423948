// COPY FROM text format: the byte-level row source (planner/dml/copy-fast.ts FastTextRows) and
// the general one (copy-rows.ts ParsedRows over copy-parse.ts TextRecordParser) fed the same
// input, split into the same chunks, give the same rows (cells), line numbers, raw lines and
// the same errors (SQLSTATE, message, CONTEXT) at the same row — for hand-picked tricky fields
// and for random records built from them (ints at the edges, leading zeros, signs, spaces,
// numerics that round or overflow, timestamps with and without offsets, escapes, NULL markers,
// non-ASCII and invalid UTF-8, CR line ends, a BOM, the end marker, wrong field counts).
// The staged rows (FastTextRows.stage, copy-staged.ts: what a COPY into an ingest writes straight
// into the column builders) give the same cells, errors, chunk bytes and size estimates as
// FastTextRows.next for all of the same inputs.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_FORMAT_SETTINGS, DbError, TypeOid, numericTypmod, type ColumnDesc } from '../../../catalog/index.js';
import { textToCell } from '../../../planner/dml/copy-cells.js';
import { completeEnd } from '../../../planner/dml/copy-bytes.js';
import { FastTextRows } from '../../../planner/dml/copy-fast.js';
import { TextRecordParser, type TextOptions } from '../../../planner/dml/copy-parse.js';
import { ParsedRows, type RowSource, type RowTarget } from '../../../planner/dml/copy-rows.js';
import { ColumnChunk } from '../../../lsm/segment/index.js';

const input = { ...DEFAULT_FORMAT_SETTINGS, nowMicros: 0n, timeZone: 'America/New_York' };
const col = (name: string, attnum: number, typeOid: number, typmod = -1): ColumnDesc => ({ name, attnum, typeOid, typmod, notNull: false });

// Width 9: attnum 5 is not listed (stays null), the listed order differs from attnum order.
const COLS: ColumnDesc[] = [
  col('id', 1, TypeOid.int8),
  col('ts', 2, TypeOid.timestamptz),
  col('n', 3, TypeOid.int4),
  col('amount', 4, TypeOid.numeric, numericTypmod(12, 2)),
  col('note', 9, TypeOid.text),
  col('s', 6, TypeOid.int2),
  col('x', 7, TypeOid.numeric),
  col('v', 8, TypeOid.varchar, 4 + 4),
  col('w', 10, TypeOid.timestamp),
  col('b', 11, TypeOid.bool),
  col('vv', 12, TypeOid.varchar),
  col('c', 13, TypeOid.bpchar, 4 + 5),
  col('cc', 14, TypeOid.bpchar),
];
const WIDTH = 14;

function target(): RowTarget {
  return { tableName: 't', width: WIDTH, cols: COLS, conv: COLS.map((c) => textToCell(c, input)) };
}

type Outcome = { rows: Array<{ line: number; raw: string | undefined; cells: unknown[] }>; error?: { code: string; message: string; where: string | undefined } };

function run(src: RowSource, chunks: Uint8Array[]): Outcome {
  const rows: Outcome['rows'] = [];
  const drain = (): void => {
    for (let r = src.next(); r !== undefined; r = src.next()) rows.push({ line: src.line, raw: src.rawLine(), cells: r });
  };
  try {
    for (const c of chunks) {
      src.push(c);
      drain();
    }
    src.end();
    drain();
  } catch (e) {
    if (!(e instanceof DbError)) throw e;
    return { rows, error: { code: e.code, message: e.message, where: e.fields.where } };
  }
  return { rows };
}

/** The ingest's estimate of a row (lsm/db/ingest.ts approxBytes) without its key. */
function approxCells(row: readonly unknown[]): number {
  let n = 0;
  for (const c of row) n += typeof c === 'string' || c instanceof Uint8Array ? c.length + 4 : 8;
  return n;
}

const keyOf = (i: number): Uint8Array => Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff);

/** Rows by next() into a chunk by add(), and by stage() into a chunk by addFrom(): the same
 *  outcome (cells, lines, raw lines, error), estimates and segment bytes. */
function expectStagedSame(data: Uint8Array, chunks: Uint8Array[], o: TextOptions): void {
  const byCells = new ColumnChunk(7);
  const a = new FastTextRows(o, target());
  const cellRows: Outcome = run(
    {
      push: (c) => a.push(c),
      end: () => a.end(),
      next: () => {
        const r = a.next(true);
        if (r !== undefined) byCells.add(keyOf(byCells.rows + 1), r);
        return r === undefined ? undefined : [...r];
      },
      get line() {
        return a.line;
      },
      rawLine: () => a.rawLine(),
    },
    chunks,
  );
  const staged = new ColumnChunk(7);
  const b = new FastTextRows(o, target());
  const approx: number[] = [];
  const stagedRows = run(
    {
      push: (c) => b.push(c),
      end: () => b.end(),
      next: () => {
        const r = b.stage();
        if (r === undefined) return undefined;
        const cells = r.cells();
        approx.push(r.approxBytes());
        staged.addFrom(keyOf(staged.rows + 1), r);
        return cells;
      },
      get line() {
        return b.line;
      },
      rawLine: () => b.rawLine(),
    },
    chunks,
  );
  expect(stagedRows).toEqual(cellRows);
  expect(approx).toEqual(cellRows.rows.map((r) => approxCells(r.cells)));
  expect(staged.rows).toBe(byCells.rows);
  for (let i = 0; i < staged.rows; i++) expect(staged.row(i)).toEqual(byCells.row(i));
  if (staged.rows > 0) expect(Buffer.from(staged.encode({ batchRows: 3 }).bytes).equals(Buffer.from(byCells.encode({ batchRows: 3 }).bytes))).toBe(true);
  void data;
}

function both(data: Uint8Array, cuts: number[], opts: Partial<TextOptions> = {}): [Outcome, Outcome] {
  const o: TextOptions = { csv: false, delimiter: '\t', nullString: '\\N', quote: '"', escape: '"', header: false, ...opts };
  const points = [...new Set(cuts.map((c) => Math.min(c, data.length)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of [...points, data.length]) {
    chunks.push(data.subarray(prev, p));
    prev = p;
  }
  expectStagedSame(data, chunks, o);
  return [run(new FastTextRows(o, target()), chunks), run(new ParsedRows(new TextRecordParser(o), target(), false, false), chunks)];
}

const good = (i: number): string[] => [String(i), `2024-01-0${1 + (i % 9)} 0${i % 10}:1${i % 6}:0${i % 10}.${i % 1000}+0${i % 5}`, String(i * 7 - 5000), `${i}.${i % 100}`, `note number ${i}`, String(i % 30000), `${i}.5`, 'abcd', '2024-02-29 23:59:59', i % 2 ? 't' : 'f', `vv${i}`, `c${i % 100}`, ''];

const FIELDS: Record<string, string[]> = {
  id: ['0', '1', '-1', '-0', '007', '999999999999999', '1000000000000000', '9223372036854775807', '9223372036854775808', '-9223372036854775808', ' 1', '1 ', '+1', '', 'x', '١', '1e3'],
  ts: ['2024-01-01 00:00:00+00', '2024-01-01 00:00:00', '2024-01-01T12:34:56.123456Z', '2024-01-01 12:34:56.1234567+00', '2024-02-30 00:00:00+00', '2023-02-29 00:00:00+00', '2024-02-29 00:00:00-05:30', '1999-12-31 23:59:59+1530', '0000-01-01 00:00:00+00', '2024-01-01 24:00:00+00', '2024-01-01 00:00:60+00', '2024-01-01 00:00:00+16', '2024-01-01 00:00:00+05:', '2024-01-01 00:00:00+05:30:15', '2024-01-01 00:00:00 UTC', 'infinity', 'epoch', '2024-1-1 0:0:0+00', '1700-01-01 00:00:00+00', '2024-01-01 00:00:00.+00', '2024-01-01 00:00:00z', '2024-03-10 02:30:00', 'today', '2024-01-01 00:00:00+00 BC', ''],
  n: ['2147483647', '2147483648', '-2147483648', '-2147483649', '0', '-0', '00', '12', ' 12', 'abc'],
  amount: ['0', '-0', '0.00', '-0.00', '0.5', '.5', '5.', '12.345', '12.355', '9999999999.99', '99999999999', '10000000000', '-9999999999.995', '1e3', 'NaN', '123.4', '123', '-0.01', ' 1', '00.1'],
  note: ['', 'plain', 'ünïcödé 😀', 'tab\\there', 'back\\\\slash', 'oct\\101\\7', 'hex\\x41\\xg', 'end\\', 'esc\\.dot', '\\N', '\\\\N', 'a\r'],
  s: ['32767', '32768', '-32768', '-32769', '1.5', '-0', '-00'],
  x: ['1', '1.0', '-0', '-0.0', '1.50', '00', 'Infinity', '1234567890123456789012345678901234567890123', '-1.5'],
  v: ['abcd', 'abcde', 'ab  ', 'abcd  ', 'abcde ', 'äöüß', 'äöüßx', 'ää', 'äää', '😀😀', '😀😀😀'],
  w: ['2024-02-29 23:59:59', '2024-02-29 23:59:59+02', '2024-02-29 23:59:59.999999', '2024-02-29'],
  b: ['t', 'f', 'yes', 'maybe'],
  vv: ['x', 'ü', ''],
  c: ['', 'ab', 'abcde', 'abcdef', 'abcde   ', 'abcdef ', 'äb', 'äbcd', 'äbcde', 'a\\tb', ' '],
  cc: ['', ' x ', 'ü'],
};

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const expectSame = ([fast, general]: [Outcome, Outcome]): void => {
  expect(fast).toEqual(general);
};

describe('COPY text format: FastTextRows and ParsedRows agree', () => {
  it('same rows for plain bulk-load records in any chunking', () => {
    const text = Array.from({ length: 400 }, (_, i) => good(i + 1).join('\t') + '\n').join('');
    const data = utf8(text);
    for (const cuts of [[], [1], [100, 101, 102], Array.from({ length: 50 }, (_, k) => k * 97), [data.length - 1]]) {
      const pair = both(data, cuts);
      expect(pair[0].error).toBeUndefined();
      expect(pair[0].rows.length).toBe(400);
      expectSame(pair);
    }
  });

  it('plain bulk-load fields never reach the general converters (the fast rules take them)', () => {
    const t = target();
    const strict: RowTarget = { ...t, conv: COLS.map((c, i) => (c.typeOid === TypeOid.bool ? t.conv[i]! : () => { throw new Error(`general converter called for ${c.name}`); })) };
    const o: TextOptions = { csv: false, delimiter: '\t', nullString: '\\N', quote: '"', escape: '"', header: false };
    const src = new FastTextRows(o, strict);
    src.push(utf8(Array.from({ length: 50 }, (_, i) => good(i + 1).join('\t') + '\n').join('')));
    let n = 0;
    while (src.next() !== undefined) n++;
    expect(n).toBe(50);
  });

  it('same cells or the same error for every tricky field of every column', () => {
    const names = Object.keys(FIELDS);
    for (let c = 0; c < names.length; c++) {
      for (const v of FIELDS[names[c]!]!) {
        const rec = good(3);
        rec[c] = v;
        const data = utf8(`${good(1).join('\t')}\n${good(2).join('\t')}\r\n${rec.join('\t')}\n${good(4).join('\t')}\n`);
        expectSame(both(data, [7]));
      }
    }
  });

  it('same handling of NULL markers, field counts, end marker, CR, BOM and the last line without a newline', () => {
    const g = good(5);
    const cases = [
      `${g.join('\t')}\n\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\n`,
      `${g.slice(0, 4).join('\t')}\n`,
      `${g.join('\t')}\textra\n`,
      `${g.join('\t')}\t\n`,
      `\n`,
      `${g.join('\t')}\n\\.\n${g.join('\t')}\n`,
      `${g.join('\t')}\n\\.\r\n`,
      `${g.join('\t')}\n\\.`,
      `\uFEFF${g.join('\t')}\n`,
      `${g.join('\t')}\r\n${g.join('\t')}`,
      `${g.join('\t')}\r\r\n`,
      `${g.slice(0, 10).join('\t')}\\\t${g[10]}\n`,
      `${g.join('\t')}\n${g.join('\t')}`,
    ];
    for (const text of cases) {
      const data = utf8(text);
      for (const cuts of [[], [1], [2], [3], [data.length - 2]]) expectSame(both(data, cuts));
    }
    // Another NULL marker and delimiter.
    const other = utf8(`1|2024-01-01 00:00:00+00|NULL|1.5|NULL|1|1|a|2024-01-01 00:00:00|t|\\N|x|\n`);
    expectSame(both(other, [], { delimiter: '|', nullString: 'NULL' }));
    expectSame(both(other, [], { delimiter: '|', nullString: '' }));
  });

  it('same 22021 for invalid UTF-8, wherever the chunks split characters', () => {
    const g = good(6).join('\t');
    const enc = new TextEncoder();
    const ok = enc.encode(`${g}\n1\t2024-01-01 00:00:00+00\t1\t1\tä😀ü\t1\t1\ta\t2024-01-01 00:00:00\tt\tx\tc\t\n`);
    for (let cut = 0; cut < ok.length; cut++) expectSame(both(ok, [cut]));
    const bads = [[0xc3, 0x28], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xc3]];
    for (const bad of bads) {
      const data = new Uint8Array([...enc.encode(`${g}\n1\t2024-01-01 00:00:00+00\t1\t1\tx`), ...bad, ...enc.encode(`\t1\t1\ta\t2024-01-01 00:00:00\tt\tx\tc\t\n${g}\n`)]);
      for (let cut = 0; cut < data.length; cut += 3) expectSame(both(data, [cut]));
      expectSame(both(data.subarray(0, data.length - g.length - 2 - 9), []));
    }
  });

  it('completeEnd stops before an incomplete trailing character only', () => {
    const b = (xs: number[]): Uint8Array => Uint8Array.from(xs);
    expect(completeEnd(b([0x61, 0xc3]), 0, 2)).toBe(1);
    expect(completeEnd(b([0x61, 0xc3, 0xa4]), 0, 3)).toBe(3);
    expect(completeEnd(b([0xf0, 0x9f, 0x98]), 0, 3)).toBe(0);
    expect(completeEnd(b([0xe0, 0x80]), 0, 2)).toBe(2); // not a valid prefix: validate it now
    expect(completeEnd(b([0x80]), 0, 1)).toBe(1);
  });

  it('random records and chunkings give the same outcome', () => {
    const names = Object.keys(FIELDS);
    const fieldArb = (c: number): fc.Arbitrary<string> => fc.oneof(fc.constantFrom(...FIELDS[names[c]!]!), fc.constant(good(1)[c]!), fc.constant('\\N'), fc.string({ maxLength: 6 }));
    const recArb = fc.tuple(...names.map((_, c) => fieldArb(c)), fc.integer({ min: -1, max: 1 }), fc.constantFrom('\n', '\r\n')).map((xs) => {
      const fields = xs.slice(0, names.length) as string[];
      const delta = xs[names.length] as number;
      const eol = xs[names.length + 1] as string;
      const f = delta < 0 ? fields.slice(0, -1) : delta > 0 ? [...fields, 'x'] : fields;
      return f.join('\t') + eol;
    });
    fc.assert(
      fc.property(fc.array(recArb, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(2000), { maxLength: 4 }), (recs, cuts) => {
        expectSame(both(utf8(recs.join('')), cuts));
      }),
      { numRuns: 400 },
    );
  });
});
