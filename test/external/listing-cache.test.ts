// ExternalEngine.listForQuery (external/listing-cache.ts): a directory/glob listing is reused only
// while no walked directory's mtime moved; adding, removing or renaming a file anywhere in the
// tree is seen by the next query; directories changed within the trust margin are always walked.
import { describe, it, expect } from 'vitest';
import { mkdirSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListingCache } from '../../external/listing-cache.js';
import { listLocation, type Listing } from '../../external/index.js';
import { useFixture } from './fixtures.js';

const fx = useFixture();
const HOUR_AGO = new Date(Date.now() - 3600_000);

/** Makes every directory of the tree look unchanged for an hour (trusted by the cache). */
function age(...dirs: string[]): void {
  for (const d of dirs) utimesSync(d, HOUR_AGO, HOUR_AGO);
}

function hive(name: string): { dir: string; y1: string; y2: string } {
  const dir = join(fx.root, name);
  const y1 = join(dir, 'year=2021');
  const y2 = join(dir, 'year=2022');
  mkdirSync(y1, { recursive: true });
  mkdirSync(y2, { recursive: true });
  writeFileSync(join(y1, 'a.parquet'), 'x');
  writeFileSync(join(y2, 'b.parquet'), 'x');
  return { dir, y1, y2 };
}

const names = (l: Listing): string[] => l.files.map((f) => f.path.slice(fx.root.length + 1));

describe('listing cache', () => {
  it('reuses an unchanged tree and sees added, removed and renamed files at once', () => {
    const { dir, y1, y2 } = hive('cached');
    age(dir, y1, y2);
    const first = fx.engine.listForQuery(dir);
    expect(names(first)).toEqual(['cached/year=2021/a.parquet', 'cached/year=2022/b.parquet']);
    expect(first.dirs.map((d) => d.path).sort()).toEqual([dir, y1, y2]);
    expect(fx.engine.listForQuery(dir)).toBe(first); // nothing moved: the same listing

    writeFileSync(join(y2, 'c.parquet'), 'x'); // added deep in the tree
    const added = fx.engine.listForQuery(dir);
    expect(names(added)).toEqual(['cached/year=2021/a.parquet', 'cached/year=2022/b.parquet', 'cached/year=2022/c.parquet']);

    age(y2);
    rmSync(join(y1, 'a.parquet'));
    expect(names(fx.engine.listForQuery(dir))).toEqual(['cached/year=2022/b.parquet', 'cached/year=2022/c.parquet']);

    age(y1);
    renameSync(join(y2, 'c.parquet'), join(y2, '.c.tmp'));
    expect(names(fx.engine.listForQuery(dir))).toEqual(['cached/year=2022/b.parquet']);

    mkdirSync(join(dir, 'year=2023'));
    writeFileSync(join(dir, 'year=2023', 'd.parquet'), 'x');
    expect(names(fx.engine.listForQuery(dir))).toEqual(['cached/year=2022/b.parquet', 'cached/year=2023/d.parquet']);
  });

  it('a file rewritten in place keeps the cached entry (its stale size is harmless: see listing-cache.ts)', () => {
    const { dir, y1, y2 } = hive('inplace');
    age(dir, y1, y2);
    const first = fx.engine.listForQuery(dir);
    writeFileSync(join(y1, 'a.parquet'), 'longer contents');
    age(y1); // writing a file's bytes does not move its directory's mtime; make sure
    expect(fx.engine.listForQuery(dir)).toBe(first);
    // A fresh walk sees the new size (what relistRef reports once anything else changes).
    expect(fx.engine.list(dir).files[0]!.sizeBytes).toBe('longer contents'.length);
  });

  it('walks again while a directory was modified within the trust margin, and never caches a file location', () => {
    const { dir } = hive('fresh');
    const cache = new ListingCache();
    let walks = 0;
    const list = (loc: string) => (): Listing => {
      walks++;
      return listLocation(fx.engine.roots, loc, { maxFiles: 100, suffix: '.parquet' });
    };
    cache.get(dir, list(dir));
    cache.get(dir, list(dir));
    expect(walks).toBe(2); // just created: mtimes too recent to trust
    const file = join(dir, 'year=2021', 'a.parquet');
    cache.get(file, list(file));
    cache.get(file, list(file));
    expect(walks).toBe(4);
    age(dir, join(dir, 'year=2021'), join(dir, 'year=2022'));
    cache.get(dir, list(dir));
    cache.get(dir, list(dir));
    expect(walks).toBe(5);
    rmSync(dir, { recursive: true });
    expect(() => cache.get(dir, list(dir))).toThrow(/fresh/); // gone: walked again, the walk's error
  });
});
