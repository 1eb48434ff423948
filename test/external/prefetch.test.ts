// The prefetch of external scans: a scan without pushed filters reads its table whole through
// the server's ExternalHost, with the row cap (53200 beyond it) and the cancel token honoured.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DbError, DEFAULT_FORMAT_SETTINGS, type TableDesc } from '../../catalog/index.js';
import { ExternalHost, EXTERNAL_DEFAULTS } from '../../planner/external/host.js';
import { prefetchScans } from '../../planner/external/prefetch.js';
import { ExternalScan } from '../../planner/external/scan-spec.js';
import type { CancelToken } from '../../planner/api.js';
import type { EvalContext, Value } from '../../planner/bind/expr.js';
import { parseExternalStatement, planExternalTable } from '../../planner/external/index.js';
import { makeFixture, type Fixture } from './fixtures.js';

let fx: Fixture;
let host: ExternalHost;
let desc: TableDesc;

beforeAll(async () => {
  fx = await makeFixture();
  await fx.oracle.run(`COPY (SELECT range::INTEGER AS id, 'v' || range AS v FROM range(3000)) TO '${join(fx.root, 't.parquet')}' (FORMAT parquet, ROW_GROUP_SIZE 500)`);
  host = new ExternalHost({ ...EXTERNAL_DEFAULTS, roots: [fx.root], createRoots: [] });
  const stmt = parseExternalStatement(`CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '${join(fx.root, 't.parquet')}'`);
  if (stmt?.kind !== 'createExternalTable') throw new Error('parse');
  const plan = await planExternalTable(stmt, await host.engine(), () => { throw new Error('no declared columns'); }, Date.now());
  desc = {
    kind: 'table', oid: 99999, db: 'postgres', schema: 'public', name: 't', storageId: 99999, uniques: [], checks: [],
    columns: plan.columns.map((c, i) => ({ name: c.name, attnum: i + 1, typeOid: c.typeOid, typmod: c.typmod, notNull: false })),
    external: plan.refText,
  };
}, 60_000);

afterAll(async () => {
  await host?.close();
  fx?.cleanup();
});

/** Fetches one unfiltered scan of `desc` (an execution context with no parameters). */
async function prefetchExternal(h: ExternalHost, tables: TableDesc[], cancel: CancelToken, rowsMax?: number): Promise<Map<number, readonly Value[][]>> {
  const ctx = { params: [], fmt: DEFAULT_FORMAT_SETTINGS, cancel, tables: undefined } as unknown as EvalContext;
  const scans = tables.map((t) => new ExternalScan(t));
  const out = new Map<ExternalScan, readonly Value[][]>();
  await prefetchScans(h, scans, ctx, out, rowsMax);
  return new Map(scans.map((s) => [s.table.oid, out.get(s)!]));
}

describe('prefetchScans', () => {
  it('reads every row, one slot per column, in internal values', async () => {
    const rows = (await prefetchExternal(host, [desc], { reason: undefined })).get(desc.oid)!;
    expect(rows.length).toBe(3000);
    const sorted = [...rows].sort((a, b) => (a[0] as number) - (b[0] as number));
    expect(sorted[0]).toEqual([0, 'v0']);
    expect(sorted[2999]).toEqual([2999, 'v2999']);
  });

  it('refuses more rows than the cap with 53200', async () => {
    const e = await prefetchExternal(host, [desc], { reason: undefined }, 1000).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DbError);
    expect((e as DbError).code).toBe('53200');
  });

  it('a cancelled statement gets its own error, not rows', async () => {
    const reason = new DbError('57014', 'canceling statement due to user request');
    await expect(prefetchExternal(host, [desc], { reason })).rejects.toBe(reason);
  });

  it('the host opens one engine and a closed host refuses use', async () => {
    expect(await host.engine()).toBe(await host.engine());
    const h2 = new ExternalHost({ ...EXTERNAL_DEFAULTS, roots: [fx.root], createRoots: [] });
    await h2.engine();
    await h2.close();
    await expect(h2.engine()).rejects.toThrow(/after shutdown/);
  });
});
