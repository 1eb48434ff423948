// Partition pruning from the catalog: the planner hands over the conjuncts of WHERE that mention
// only partition columns; each file's partition values (text in the ref) are parsed with the
// declared type and the predicate is evaluated once per file. A file is kept unless the
// predicate is FALSE or NULL for it — partition values are constant per file, so such a file
// cannot contribute a row. DuckDB then receives the explicit list of kept files.
import { DbError, compareValues, textIn, type InputSettings } from '../../catalog/index.js';
import type { ExternalTableRef, RefFile } from '../../external/index.js';

export type CmpOp = '=' | '<>' | '<' | '<=' | '>' | '>=';

export type PartitionPredicate =
  | { kind: 'cmp'; column: string; op: CmpOp; value: unknown /* internal value; null = SQL NULL */ }
  | { kind: 'in'; column: string; values: unknown[]; negated: boolean }
  | { kind: 'isNull'; column: string; negated: boolean }
  | { kind: 'and'; args: PartitionPredicate[] }
  | { kind: 'or'; args: PartitionPredicate[] }
  | { kind: 'not'; arg: PartitionPredicate };

type Tri = true | false | null;

export interface TypedPartitionFile {
  file: RefFile;
  /** Parsed values by partition column name (null = NULL partition). */
  values: Map<string, unknown>;
}

/** Parses every file's partition values with the declared types (22P02 etc. name the file). */
export function typedPartitions(ref: ExternalTableRef, files: readonly RefFile[], settings: InputSettings): TypedPartitionFile[] {
  return files.map((file) => {
    const values = new Map<string, unknown>();
    ref.partitionColumns.forEach((col, i) => {
      const raw = file.partition[i] ?? null;
      if (raw === null) return void values.set(col.name, null);
      try {
        values.set(col.name, textIn(col.oid, raw, settings, col.typmod));
      } catch (e) {
        if (e instanceof DbError) {
          throw new DbError(e.code, e.message, { ...e.fields, detail: `Partition value of "${col.name}" in file "${file.path}".` });
        }
        throw e;
      }
    });
    return { file, values };
  });
}

export interface PruneResult {
  kept: RefFile[];
  prunedFiles: number;
  /** Distinct partitions (joined `k=v/…`) kept and pruned, for EXPLAIN. */
  keptPartitions: number;
  prunedPartitions: number;
}

export function prunePartitions(
  ref: ExternalTableRef,
  files: readonly TypedPartitionFile[],
  predicates: readonly PartitionPredicate[],
): PruneResult {
  const oidOf = new Map(ref.partitionColumns.map((c) => [c.name, c.oid]));
  const kept: RefFile[] = [];
  const keptP = new Set<string>();
  const prunedP = new Set<string>();
  for (const f of files) {
    const key = f.file.partition.map((v, i) => `${ref.partitionColumns[i]!.name}=${v ?? 'NULL'}`).join('/');
    const keep = predicates.every((p) => evaluate(p, f.values, oidOf) === true);
    if (keep) {
      kept.push(f.file);
      keptP.add(key);
    } else prunedP.add(key);
  }
  for (const k of keptP) prunedP.delete(k);
  return { kept, prunedFiles: files.length - kept.length, keptPartitions: keptP.size, prunedPartitions: prunedP.size };
}

function evaluate(p: PartitionPredicate, values: Map<string, unknown>, oidOf: Map<string, number>): Tri {
  switch (p.kind) {
    case 'cmp': {
      const v = lookup(p.column, values, oidOf);
      if (v === null || p.value === null) return null;
      const c = compareValues(oidOf.get(p.column)!, v, p.value);
      switch (p.op) {
        case '=': return c === 0;
        case '<>': return c !== 0;
        case '<': return c < 0;
        case '<=': return c <= 0;
        case '>': return c > 0;
        case '>=': return c >= 0;
        default: {
          const never: never = p.op;
          return never;
        }
      }
    }
    case 'in': {
      const v = lookup(p.column, values, oidOf);
      if (v === null) return null;
      let sawNull = false;
      for (const x of p.values) {
        if (x === null) sawNull = true;
        else if (compareValues(oidOf.get(p.column)!, v, x) === 0) return !p.negated;
      }
      return sawNull ? null : p.negated;
    }
    case 'isNull': {
      const v = lookup(p.column, values, oidOf);
      return (v === null) !== p.negated;
    }
    case 'and': {
      let r: Tri = true;
      for (const a of p.args) {
        const x = evaluate(a, values, oidOf);
        if (x === false) return false;
        if (x === null) r = null;
      }
      return r;
    }
    case 'or': {
      let r: Tri = false;
      for (const a of p.args) {
        const x = evaluate(a, values, oidOf);
        if (x === true) return true;
        if (x === null) r = null;
      }
      return r;
    }
    case 'not': {
      const x = evaluate(p.arg, values, oidOf);
      return x === null ? null : !x;
    }
    default: {
      const never: never = p;
      return never;
    }
  }
}

function lookup(column: string, values: Map<string, unknown>, oidOf: Map<string, number>): unknown {
  if (!oidOf.has(column)) throw new Error(`assertion: "${column}" is not a partition column`);
  return values.get(column) ?? null;
}

/** Bounds of one file's column: [min, max] typed, 'allNull', or undefined (unknown). */
type Bounds = [unknown, unknown] | 'allNull' | undefined;

export interface StatsPruneResult {
  kept: RefFile[];
  /** Files skipped because their min/max excludes the predicate. */
  pruned: RefFile[];
}

/**
 * Skips the files whose column bounds (ref statistics, recorded at registration) show that no
 * row can make a predicate TRUE. Same invariant as partition pruning: a file is skipped only
 * when every predicate's value is certainly FALSE or NULL for every row in it. Bounds that do
 * not parse as the column's type count as unknown (the file is kept).
 */
export function pruneByStats(ref: ExternalTableRef, files: readonly RefFile[], predicates: readonly PartitionPredicate[], settings: InputSettings): StatsPruneResult {
  if (predicates.length === 0) return { kept: [...files], pruned: [] };
  const oidOf = new Map(ref.columns.map((c) => [c.name, { oid: c.oid, typmod: c.typmod }]));
  const kept: RefFile[] = [];
  const pruned: RefFile[] = [];
  for (const f of files) {
    const cache = new Map<string, Bounds>();
    const bounds = (column: string): Bounds => {
      if (cache.has(column)) return cache.get(column);
      let b: Bounds;
      const s = f.stats?.[column];
      const ty = oidOf.get(column);
      if (s === null) b = 'allNull';
      else if (s === undefined || !ty) b = undefined;
      else {
        try {
          b = [textIn(ty.oid, s[0], settings, ty.typmod), textIn(ty.oid, s[1], settings, ty.typmod)];
        } catch {
          b = undefined;
        }
      }
      cache.set(column, b);
      return b;
    };
    const may = predicates.every((p) => mayBeTrue(p, bounds, oidOf));
    (may ? kept : pruned).push(f);
  }
  return { kept, pruned };
}

/** False only when no row with values inside the bounds can make `p` TRUE. */
function mayBeTrue(p: PartitionPredicate, bounds: (c: string) => Bounds, oidOf: Map<string, { oid: number }>): boolean {
  switch (p.kind) {
    case 'cmp': {
      const b = bounds(p.column);
      if (b === undefined) return true;
      if (b === 'allNull' || p.value === null) return false; // NULL compared: never TRUE
      const cmp = (x: unknown, y: unknown): number => compareValues(oidOf.get(p.column)!.oid, x, y);
      const [lo, hi] = b;
      switch (p.op) {
        case '=': return cmp(p.value, lo) >= 0 && cmp(p.value, hi) <= 0;
        case '<>': return !(cmp(lo, hi) === 0 && cmp(lo, p.value) === 0);
        case '<': return cmp(lo, p.value) < 0;
        case '<=': return cmp(lo, p.value) <= 0;
        case '>': return cmp(hi, p.value) > 0;
        case '>=': return cmp(hi, p.value) >= 0;
        default: {
          const never: never = p.op;
          return never;
        }
      }
    }
    case 'in': {
      const b = bounds(p.column);
      if (b === undefined) return true;
      if (b === 'allNull') return false;
      const cmp = (x: unknown, y: unknown): number => compareValues(oidOf.get(p.column)!.oid, x, y);
      const [lo, hi] = b;
      if (p.negated) {
        // x NOT IN (…, NULL, …) is never TRUE; with one value in the file, that value must be absent.
        if (p.values.some((v) => v === null)) return false;
        return !(cmp(lo, hi) === 0 && p.values.some((v) => cmp(v, lo) === 0));
      }
      return p.values.some((v) => v !== null && cmp(v, lo) >= 0 && cmp(v, hi) <= 0);
    }
    case 'isNull':
      return p.negated ? bounds(p.column) !== 'allNull' : true;
    case 'and':
      return p.args.every((a) => mayBeTrue(a, bounds, oidOf));
    case 'or':
      return p.args.some((a) => mayBeTrue(a, bounds, oidOf));
    case 'not':
      return true;
    default: {
      const never: never = p;
      return never;
    }
  }
}
