// File listing for a LOCATION (file, directory or glob) under the allowed roots, with sizes,
// mtimes and hive partition values. Invariants: the list is sorted by path (stable plans and
// EXPLAIN); every listed path is a realpath inside a root (a symlink that leaves the roots is
// 42501, never followed silently); the walk stops at `maxFiles` (54000) so a huge tree cannot
// exhaust memory; hidden (`.x`) and Spark/Hive marker (`_x`) entries are skipped.
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { ExternalError } from './errors.js';
import type { AllowedRoots } from './roots.js';

export interface ExternalFile {
  /** Realpath of the file. */
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  /** Hive `key=value` directory segments between the base directory and the file, in order. */
  partition: readonly (readonly [key: string, value: string | null])[];
}

export interface Listing {
  /** Directory the partition segments are relative to (the location itself, or a glob's literal prefix). */
  baseDir: string;
  files: ExternalFile[];
  /**
   * Every directory walked (a file LOCATION: none), with its mtime taken before it was read: a
   * file added, removed or renamed in a directory changes that directory's mtime, so an
   * unchanged set of mtimes means an unchanged set of names (listing-cache.ts).
   */
  dirs: ListedDir[];
}

export interface ListedDir {
  path: string;
  /** Full-precision mtime (not floored: compared for equality only). */
  mtimeMs: number;
}

export interface ListOptions {
  maxFiles: number;
  /** File name suffix a directory walk keeps (globs match exactly what they say). */
  suffix: string;
}

const GLOB_CHARS = /[*?[]/;
/** Hive's spelling of a NULL partition value. */
export const HIVE_NULL = '__HIVE_DEFAULT_PARTITION__';

export function listLocation(roots: AllowedRoots, location: string, opts: ListOptions): Listing {
  const abs = roots.absolute(location);
  if (GLOB_CHARS.test(abs)) return listGlob(roots, location, abs, opts);
  const real = roots.checkExisting(location);
  const st = statSync(real);
  if (st.isFile()) {
    return { baseDir: real.slice(0, real.lastIndexOf(sep)) || sep, files: [entry(real, real, st, '')], dirs: [] };
  }
  const files: ExternalFile[] = [];
  const dirs: ListedDir[] = [];
  walk(roots, real, real, opts, files, dirs, (rel) => rel.endsWith(opts.suffix));
  if (files.length === 0) {
    throw new ExternalError('58P01', `no ${opts.suffix} files found under "${location}"`, { path: real });
  }
  return { baseDir: real, files: sortFiles(files), dirs };
}

function listGlob(roots: AllowedRoots, location: string, abs: string, opts: ListOptions): Listing {
  const parts = abs.split(sep);
  const firstGlob = parts.findIndex((p) => GLOB_CHARS.test(p));
  const prefix = parts.slice(0, firstGlob).join(sep) || sep;
  const pattern = parts.slice(firstGlob).join('/');
  const base = roots.checkExisting(prefix);
  const re = globToRegExp(pattern);
  const files: ExternalFile[] = [];
  const dirs: ListedDir[] = [];
  walk(roots, base, base, opts, files, dirs, (rel) => re.test(rel));
  if (files.length === 0) {
    throw new ExternalError('58P01', `no files match "${location}"`, { path: abs });
  }
  return { baseDir: base, files: sortFiles(files), dirs };
}

function walk(
  roots: AllowedRoots,
  base: string,
  dir: string,
  opts: ListOptions,
  out: ExternalFile[],
  dirs: ListedDir[],
  keep: (relPosix: string) => boolean,
  visited: Set<string> = new Set([realpathSync(dir)]),
): void {
  let names: string[];
  try {
    // The mtime first: a change made while the names are read shows as a newer mtime later.
    dirs.push({ path: dir, mtimeMs: statSync(dir).mtimeMs });
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new ExternalError('58030', `could not open directory "${dir}": ${(e as Error).message}`, { path: dir });
  }
  for (const name of names) {
    if (name.startsWith('.') || name.startsWith('_')) continue;
    const p = join(dir, name);
    let real: string;
    try {
      real = realpathSync(p);
    } catch {
      throw new ExternalError('58P01', `could not open file "${p}": No such file or directory`, {
        detail: 'A dangling symbolic link or a file removed while listing.',
        path: p,
      });
    }
    if (!roots.contains(real)) {
      throw new ExternalError('42501', `external file "${p}" resolves outside the allowed data roots`, {
        detail: `It resolves to "${real}".`,
      });
    }
    const st = statSync(real);
    // The relative path is taken from the walked (unresolved) path so that partition segments and
    // glob patterns see the layout the user wrote, while reads use the realpath.
    const rel = relative(base, p).split(sep).join('/');
    if (st.isDirectory()) {
      // A symlinked directory cycle would recurse forever: each real directory is walked once.
      if (visited.has(real)) continue;
      visited.add(real);
      walk(roots, base, p, opts, out, dirs, keep, visited);
    } else if (st.isFile() && keep(rel)) {
      if (out.length >= opts.maxFiles) {
        throw new ExternalError('54000', `external location lists more than ${opts.maxFiles} files`);
      }
      out.push(entry(real, base, st, rel));
    }
  }
}

function entry(real: string, _base: string, st: { size: number; mtimeMs: number }, rel: string): ExternalFile {
  return { path: real, sizeBytes: st.size, mtimeMs: Math.floor(st.mtimeMs), partition: parseHivePath(rel) };
}

function sortFiles(files: ExternalFile[]): ExternalFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `year=2023/month=12/part-0.parquet` → [['year','2023'],['month','12']] (URL-decoded). */
export function parseHivePath(relPosix: string): [string, string | null][] {
  const segs = relPosix.split('/');
  segs.pop(); // the file name
  const out: [string, string | null][] = [];
  for (const s of segs) {
    const eq = s.indexOf('=');
    if (eq <= 0) continue;
    const key = decode(s.slice(0, eq));
    const raw = decode(s.slice(eq + 1));
    out.push([key, raw === HIVE_NULL ? null : raw]);
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Glob over `/`-separated relative paths: `*` and `?` stay within a segment, `**` spans segments. */
export function globToRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        i++;
        if (pattern[i + 1] === '/') {
          i++;
          re += '(?:[^/]+/)*';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) throw new ExternalError('42601', `invalid glob pattern "${pattern}": unterminated [`);
      let cls = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
      if (cls.startsWith('!')) cls = '^' + cls.slice(1);
      re += `[${cls}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export interface ListingDiff {
  added: ExternalFile[];
  removed: ExternalFile[];
  /** Same path, different size or mtime. */
  changed: ExternalFile[];
}

/** What changed between the listing stored at registration and a fresh one. */
export function diffListings(before: readonly ExternalFile[], after: readonly ExternalFile[]): ListingDiff {
  const old = new Map(before.map((f) => [f.path, f]));
  const added: ExternalFile[] = [];
  const changed: ExternalFile[] = [];
  for (const f of after) {
    const o = old.get(f.path);
    if (!o) added.push(f);
    else {
      old.delete(f.path);
      if (o.sizeBytes !== f.sizeBytes || o.mtimeMs !== f.mtimeMs) changed.push(f);
    }
  }
  return { added, removed: [...old.values()], changed };
}
