// relistRef's memo (ExternalEngine.derived): while the cached listing of a directory is still
// valid, the same ref gets the very same answer back (no re-diffing of the file list per query);
// a file added later (its directory's mtime moves) is seen by the next call, as before the memo.
import { mkdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerParquet, relistRef } from '../../external/index.js';
import { useFixture } from './fixtures.js';

const fx = useFixture();
const HOUR_AGO = new Date(Date.now() - 3600_000);

describe('relistRef memo', () => {
  it('answers with the same result while the listing is valid, and sees a new file after', async () => {
    const dir = join(fx.root, 'memo');
    mkdirSync(dir);
    await fx.oracle.run(`COPY (SELECT range AS id FROM range(10)) TO '${join(dir, 'a.parquet')}' (FORMAT parquet)`);
    utimesSync(dir, HOUR_AGO, HOUR_AGO); // trusted by the listing cache
    const ref = await registerParquet(fx.engine, { location: dir, nowMs: 1 });
    const first = relistRef(fx.engine, ref);
    expect(relistRef(fx.engine, ref)).toBe(first);
    expect(first.ref.files.map((f) => f.path)).toEqual([join(dir, 'a.parquet')]);
    // Another ref object (a new catalog version) is computed on its own.
    const other = { ...ref, files: [...ref.files] };
    expect(relistRef(fx.engine, other)).not.toBe(first);
    await fx.oracle.run(`COPY (SELECT range AS id FROM range(5)) TO '${join(dir, 'b.parquet')}' (FORMAT parquet)`);
    utimesSync(dir, HOUR_AGO, new Date(Date.now() - 1800_000)); // moved, and old enough to trust again
    const after = relistRef(fx.engine, ref);
    expect(after).not.toBe(first);
    expect(after.diff.added.map((f) => f.path)).toEqual([join(dir, 'b.parquet')]);
    expect(relistRef(fx.engine, ref)).toBe(after);
  });
});
