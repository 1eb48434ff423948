// Per-file column statistics recorded at registration (external/file-stats.ts) and their place
// in the ref (REFS.md): DuckDB folds the row groups' bounds in the column's type; a column
// whose row groups are all NULL records null; types without a faithful text form are left out;
// refs written before statistics existed still decode; garbage statistics are XX001.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRef, encodeRef, registerParquet, ExternalError } from '../../external/index.js';
import { makeFixture, type Fixture } from './fixtures.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture();
  const gen = (lo: number, hi: number): string => `SELECT range::INTEGER AS id, (range * 1.25)::DECIMAL(12,2) AS dec,
    DATE '2023-01-01' + range::INTEGER AS day, TIMESTAMP '2023-01-01' + to_seconds(range) AS ts,
    CASE WHEN range % 2 = 0 THEN NULL ELSE -range END::BIGINT AS big, NULL::INTEGER AS nothing,
    'n' || range AS name, range / 3.0 AS dbl FROM range(${lo}, ${hi})`;
  // Row groups of 2048 rows (DuckDB's minimum): five of them in a.parquet, with 9 < 10 < 100 traps for text order.
  await fx.oracle.run(`COPY (${gen(9, 10_009)}) TO '${join(fx.root, 'a.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
  await fx.oracle.run(`COPY (${gen(-5, 3)}) TO '${join(fx.root, 'b.parquet')}' (FORMAT parquet)`);
}, 60_000);

afterAll(() => fx?.cleanup());

describe('file statistics at registration', () => {
  it('records typed bounds per file, folded over the row groups', async () => {
    const ref = await registerParquet(fx.engine, { location: join(fx.root, '*.parquet'), nowMs: 1 });
    const [a, b] = ref.files;
    expect(a!.path.endsWith('a.parquet')).toBe(true);
    expect(a!.stats).toEqual({
      id: ['9', '10008'], dec: ['11.25', '12510.00'], day: ['2023-01-10', '2050-05-27'],
      ts: ['2023-01-01 00:00:09', '2023-01-01 02:46:48'], big: ['-10007', '-9'], nothing: null,
    });
    expect(b!.stats).toEqual({
      id: ['-5', '2'], dec: ['-6.25', '2.50'], day: ['2022-12-27', '2023-01-03'],
      ts: ['2022-12-31 23:59:55', '2023-01-01 00:00:02'], big: ['-1', '5'], nothing: null,
    });
    // Through the ref codec and back.
    expect(decodeRef(encodeRef(ref))).toEqual(ref);
  });

  it('refs without statistics (written before them) decode; garbage statistics are XX001', async () => {
    const ref = await registerParquet(fx.engine, { location: join(fx.root, 'b.parquet'), nowMs: 1 });
    const old = JSON.parse(encodeRef(ref)) as { files: Array<Record<string, unknown>> };
    delete old.files[0]!.stats;
    const back = decodeRef(JSON.stringify(old));
    expect(back.files[0]!.stats).toBeUndefined();
    expect(encodeRef(back)).toBe(JSON.stringify(old));
    for (const bad of [{ id: ['1'] }, { id: [1, 2] }, [], 'x', { id: 'x' }]) {
      old.files[0]!.stats = bad;
      const e = (() => {
        try {
          decodeRef(JSON.stringify(old));
        } catch (x) {
          return x;
        }
        return undefined;
      })();
      expect(e, JSON.stringify(bad)).toBeInstanceOf(ExternalError);
      expect((e as ExternalError).sqlstate).toBe('XX001');
    }
  });
});
