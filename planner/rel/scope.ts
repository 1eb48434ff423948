// Name resolution over a FROM clause: range entries (tables, subqueries, VALUES, joins) laid
// out side by side in one input row; a column reference becomes a `column` node reading the
// slot of that row (bind/expr.ts). Errors are PostgreSQL's: 42P01 missing FROM-clause entry,
// 42703 unknown column, 42702 ambiguous reference.
//
// Invariant: entry `offset`s are disjoint and increasing; a scope's width is the sum of its
// entries' widths (joins append the right input's slots after the left's).

import { DbError } from '../../catalog/index.js';
import type { Scope } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import type { SqlType } from '../bind/types.js';

export interface RangeColumn {
  name: string;
  type: SqlType;
  /** Source table OID and attnum for RowDescription (0 when not a plain table column). */
  tableOid: number;
  attnum: number;
  /** Dropped table columns keep their slot but are invisible. */
  hidden?: boolean;
}

export interface RangeEntry {
  /** Alias or table name; undefined for an unaliased join or subquery-less entry. */
  alias: string | undefined;
  schema: string | undefined;
  columns: RangeColumn[];
  offset: number;
  /** The table's own name when an alias hides it (for PostgreSQL's "invalid reference" error). */
  relname?: string;
}

/** A column visible under `*` and to unqualified names after USING/NATURAL merging. */
export interface StarColumn {
  name: string;
  expr: BoundExpr;
  tableOid: number;
  attnum: number;
}

export class RelScope implements Scope {
  /** Unqualified names merged by USING/NATURAL (they resolve here before the entries). */
  readonly merged = new Map<string, BoundExpr>();
  /** `SELECT *` order; undefined = all visible columns of all entries, in order. */
  star: StarColumn[] | undefined;

  /** The enclosing query's scope (correlated subqueries), consulted when nothing here matches. */
  parent: Scope | undefined;

  constructor(
    readonly entries: RangeEntry[],
    readonly width: number,
    private readonly position: (location: number) => number | undefined,
  ) {}

  private pos(loc: number): { position?: number } {
    const p = this.position(loc);
    return p !== undefined ? { position: p } : {};
  }

  slot(e: RangeEntry, i: number, loc: number): BoundExpr {
    const c = e.columns[i]!;
    return { kind: 'column', index: e.offset + i, type: c.type, name: c.name, location: loc };
  }

  findEntry(qual: string[], loc: number): RangeEntry {
    const name = qual[qual.length - 1]!;
    const schema = qual.length > 1 ? qual[qual.length - 2] : undefined;
    const hits = this.entries.filter((e) => e.alias === name && (schema === undefined || e.schema === schema));
    if (hits.length === 0) throw this.missingEntry(name, loc);
    if (hits.length > 1) throw new DbError('42712', `table reference "${name}" is ambiguous`, this.pos(loc));
    return hits[0]!;
  }

  /** 42P01 for a qualifier naming no FROM entry (with PostgreSQL's hint for a hidden table name). */
  missingEntry(name: string, loc: number): DbError {
    const hidden = this.entries.find((e) => e.relname === name);
    if (hidden) {
      return new DbError('42P01', `invalid reference to FROM-clause entry for table "${name}"`, {
        hint: `Perhaps you meant to reference the table alias "${hidden.alias}".`, ...this.pos(loc),
      });
    }
    return new DbError('42P01', `missing FROM-clause entry for table "${name}"`, this.pos(loc));
  }

  resolveColumn(names: readonly string[], loc: number): BoundExpr | undefined {
    if (names[names.length - 1] === '*') return undefined;
    if (names.length === 1) {
      const n = names[0]!;
      const m = this.merged.get(n);
      if (m) return { ...m, location: loc } as BoundExpr;
      let found: BoundExpr | undefined;
      for (const e of this.entries) {
        for (let i = 0; i < e.columns.length; i++) {
          const c = e.columns[i]!;
          if (c.hidden || c.name !== n) continue;
          if (found) throw new DbError('42702', `column reference "${n}" is ambiguous`, this.pos(loc));
          found = this.slot(e, i, loc);
        }
      }
      return found ?? this.parent?.resolveColumn(names, loc);
    }
    if (names.length > 4) throw new DbError('42601', `improper qualified name (too many dotted names): ${names.join('.')}`, this.pos(loc));
    const col = names[names.length - 1]!;
    const qual = names.slice(0, -1).slice(-2);
    const e = this.entries.find((x) => x.alias === qual[qual.length - 1] && (qual.length === 1 || x.schema === qual[0]));
    if (!e) {
      const outer = this.parent?.resolveColumn(names, loc);
      if (outer) return outer;
      if (this.entries.some((x) => x.relname === qual[qual.length - 1])) throw this.missingEntry(qual[qual.length - 1]!, loc);
      return undefined;
    }
    const i = e.columns.findIndex((c) => !c.hidden && c.name === col);
    if (i >= 0 && e.columns.some((c, j) => j > i && !c.hidden && c.name === col)) {
      throw new DbError('42702', `column reference "${col}" is ambiguous`, this.pos(loc));
    }
    if (i < 0) throw new DbError('42703', `column ${qual[qual.length - 1]}.${col} does not exist`, this.pos(loc));
    return this.slot(e, i, loc);
  }

  /** Columns of `*` (all entries) or `alias.*`. */
  starColumns(qual: string[] | undefined, loc: number): StarColumn[] {
    if (qual === undefined && this.star) return this.star;
    const entries = qual === undefined ? this.entries : [this.findEntry(qual, loc)];
    const out: StarColumn[] = [];
    for (const e of entries) {
      e.columns.forEach((c, i) => {
        if (!c.hidden) out.push({ name: c.name, expr: this.slot(e, i, -1), tableOid: c.tableOid, attnum: c.attnum });
      });
    }
    return out;
  }
}
