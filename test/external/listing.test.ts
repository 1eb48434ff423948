// Listing under the allowed roots: files, directories, globs, hive partitions, and every way out
// of a root (absolute paths, `..`, symlinked files and directories, URLs) refused with 42501/0A000.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AllowedRoots, ExternalError, listLocation, parseHivePath, globToRegExp, diffListings } from '../../external/index.js';

let base: string;
let root: string;
let roots: AllowedRoots;
const opts = { maxFiles: 1000, suffix: '.parquet' };

function touch(p: string, bytes = 3): void {
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, Buffer.alloc(bytes, 1));
}

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ExternalError);
    return (e as ExternalError).sqlstate;
  }
  return 'no error';
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'pyralog-list-')));
  root = join(base, 'root');
  mkdirSync(root);
  touch(join(base, 'outside', 'secret.parquet'));
  touch(join(root, 'sales', 'year=2023', 'month=11', 'a.parquet'), 10);
  touch(join(root, 'sales', 'year=2023', 'month=12', 'b.parquet'), 20);
  touch(join(root, 'sales', 'year=2024', 'month=1', 'c.parquet'), 30);
  touch(join(root, 'sales', 'year=2024', 'month=1', '.hidden.parquet'));
  touch(join(root, 'sales', 'year=2024', 'month=1', '_SUCCESS'));
  touch(join(root, 'sales', 'year=2024', 'month=1', 'notes.txt'));
  touch(join(root, 'flat', 'one.parquet'));
  touch(join(root, 'empty', 'x.csv'));
  symlinkSync(join(base, 'outside', 'secret.parquet'), join(root, 'leak.parquet'));
  mkdirSync(join(root, 'dirlink'));
  symlinkSync(join(base, 'outside'), join(root, 'dirlink', 'out'));
  symlinkSync(join(root, 'flat', 'one.parquet'), join(root, 'inner-link.parquet'));
  roots = new AllowedRoots([root]);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('listing', () => {
  it('lists a hive directory sorted, skipping hidden, marker and foreign files, with partitions', () => {
    const l = listLocation(roots, join(root, 'sales'), opts);
    expect(l.baseDir).toBe(join(root, 'sales'));
    expect(l.files.map((f) => [f.path.slice(root.length), f.sizeBytes, f.partition])).toEqual([
      ['/sales/year=2023/month=11/a.parquet', 10, [['year', '2023'], ['month', '11']]],
      ['/sales/year=2023/month=12/b.parquet', 20, [['year', '2023'], ['month', '12']]],
      ['/sales/year=2024/month=1/c.parquet', 30, [['year', '2024'], ['month', '1']]],
    ]);
    expect(l.files.every((f) => f.mtimeMs > 0)).toBe(true);
  });

  it('lists one file, relative locations against the first root, and globs', () => {
    expect(listLocation(roots, join(root, 'flat', 'one.parquet'), opts).files.length).toBe(1);
    expect(listLocation(roots, 'flat/one.parquet', opts).files[0]!.path).toBe(join(root, 'flat', 'one.parquet'));
    const g = listLocation(roots, join(root, 'sales', 'year=2023', '*', '*.parquet'), opts);
    expect(g.files.map((f) => f.path.split('/').pop())).toEqual(['a.parquet', 'b.parquet']);
    expect(g.baseDir).toBe(join(root, 'sales', 'year=2023'));
    expect(listLocation(roots, join(root, 'sales', '**', '*.parquet'), opts).files.length).toBe(3);
    expect(listLocation(roots, join(root, 'sales', '**', 'c.parq?et'), opts).files.length).toBe(1);
  });

  it('a symlink that stays inside the root is followed', () => {
    const l = listLocation(roots, join(root, 'inner-link.parquet'), opts);
    expect(l.files[0]!.path).toBe(join(root, 'flat', 'one.parquet'));
  });

  it('missing files and empty globs are 58P01', () => {
    expect(code(() => listLocation(roots, join(root, 'nope.parquet'), opts))).toBe('58P01');
    expect(code(() => listLocation(roots, join(root, 'empty'), opts))).toBe('58P01');
    expect(code(() => listLocation(roots, join(root, 'sales', '*.nothing'), opts))).toBe('58P01');
  });

  it('every way out of the root is 42501', () => {
    expect(code(() => listLocation(roots, join(base, 'outside', 'secret.parquet'), opts))).toBe('42501');
    expect(code(() => listLocation(roots, join(root, '..', 'outside', 'secret.parquet'), opts))).toBe('42501');
    expect(code(() => listLocation(roots, '../outside/secret.parquet', opts))).toBe('42501');
    expect(code(() => listLocation(roots, join(root, 'leak.parquet'), opts))).toBe('42501');
    expect(code(() => listLocation(roots, join(root, 'dirlink'), opts))).toBe('42501');
    expect(code(() => listLocation(roots, join(root, 'dirlink', 'out', '*.parquet'), opts))).toBe('42501');
    expect(code(() => listLocation(roots, '/etc/passwd', opts))).toBe('42501');
    // A missing path outside the roots is still 42501, so existence cannot be probed.
    expect(code(() => listLocation(roots, '/nonexistent/x.parquet', opts))).toBe('42501');
    // A root prefix is not a root: /x/root-other is outside /x/root.
    mkdirSync(join(base, 'root-other'), { recursive: true });
    touch(join(base, 'root-other', 'z.parquet'));
    expect(code(() => listLocation(roots, join(base, 'root-other', 'z.parquet'), opts))).toBe('42501');
  });

  it('object-store URLs are refused at once with a clear 0A000', () => {
    let err: ExternalError | undefined;
    try {
      listLocation(roots, 's3://bucket/sales/*.parquet', opts);
    } catch (e) {
      err = e as ExternalError;
    }
    expect(err?.sqlstate).toBe('0A000');
    expect(err?.message).toContain('s3://');
    expect(err?.detail).toMatch(/httpfs/);
    expect(code(() => listLocation(roots, 'https://example.com/a.parquet', opts))).toBe('0A000');
  });

  it('symlinked directory cycles are walked once; dangling links are 58P01', () => {
    touch(join(root, 'cyc', 'a', 'x.parquet'));
    symlinkSync(join(root, 'cyc'), join(root, 'cyc', 'a', 'back'));
    expect(listLocation(roots, join(root, 'cyc'), opts).files.map((f) => f.path)).toEqual([join(root, 'cyc', 'a', 'x.parquet')]);
    touch(join(root, 'dangling', 'ok.parquet'));
    symlinkSync(join(root, 'nowhere.parquet'), join(root, 'dangling', 'gone.parquet'));
    expect(code(() => listLocation(roots, join(root, 'dangling'), opts))).toBe('58P01');
  });

  it('stops at maxFiles', () => {
    expect(code(() => listLocation(roots, join(root, 'sales'), { ...opts, maxFiles: 2 }))).toBe('54000');
  });
});

describe('helpers', () => {
  it('parses hive paths with URL escapes and the hive NULL', () => {
    expect(parseHivePath('region=eu%2Fwest/day=__HIVE_DEFAULT_PARTITION__/x.parquet')).toEqual([
      ['region', 'eu/west'],
      ['day', null],
    ]);
    expect(parseHivePath('plain/x.parquet')).toEqual([]);
  });

  it('globs match within and across segments', () => {
    expect(globToRegExp('*.parquet').test('a.parquet')).toBe(true);
    expect(globToRegExp('*.parquet').test('d/a.parquet')).toBe(false);
    expect(globToRegExp('**/*.parquet').test('d/e/a.parquet')).toBe(true);
    expect(globToRegExp('**/*.parquet').test('a.parquet')).toBe(true);
    expect(globToRegExp('[ab].parquet').test('b.parquet')).toBe(true);
    expect(globToRegExp('[!ab].parquet').test('b.parquet')).toBe(false);
    expect(globToRegExp('a+b(1).parquet').test('a+b(1).parquet')).toBe(true);
  });

  it('diffs listings by path, size and mtime', () => {
    const f = (path: string, sizeBytes: number, mtimeMs: number) => ({ path, sizeBytes, mtimeMs, partition: [] });
    const d = diffListings([f('a', 1, 1), f('b', 1, 1), f('c', 1, 1)], [f('a', 1, 1), f('b', 2, 1), f('d', 1, 1)]);
    expect(d.added.map((x) => x.path)).toEqual(['d']);
    expect(d.removed.map((x) => x.path)).toEqual(['c']);
    expect(d.changed.map((x) => x.path)).toEqual(['b']);
  });
});
