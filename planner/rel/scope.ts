// Name resolution over a FROM clause: range entries (tables, subqueries, VALUES, joins) laid
// out side by side in one input row; a column reference becomes a `column` node reading the
// slot of that row (bind/expr.ts). Errors are PostgreSQL's: 42P01 missing FROM-clause entry,
// 42703 unknown column, 42702 ambiguous reference.
//
// Invariant: entry `offset`s are disjoint and increasing; a scope's width is the sum of its
// entries' widths (joins append the right input's slots after the left's).

import { DbError } from '../../catalog/index.js';
import type { ResolveContext, Scope } from '../bind/binder.js';
import type { BoundExpr } from '../bind/expr.js';
import { T, type SqlType } from '../bind/types.js';

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
  /** The schema of `relname`'s table, when known (a schema-qualified name can name it). */
  relschema?: string;
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

  /**
   * Entries of this level that no name reaches (the items inside an aliased join): only
   * errorMissingRTE looks at them, to say "invalid reference" rather than "missing".
   */
  unreachable: readonly RangeEntry[] = [];

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

  /**
   * refnameNamespaceItem: a bare qualifier matches an entry's alias (its table name when it has
   * none); a schema-qualified one only an unaliased table of that schema. Two matches are
   * 42P09.
   */
  private lookupEntry(qual: readonly string[], loc: number): RangeEntry | undefined {
    const name = qual[qual.length - 1]!;
    const schema = qual.length > 1 ? qual[qual.length - 2] : undefined;
    const hits = this.entries.filter((e) => e.alias === name && (schema === undefined || (e.schema === schema && e.relname === undefined)));
    if (hits.length > 1) throw new DbError('42P09', `table reference "${name}" is ambiguous`, this.pos(loc));
    return hits[0];
  }

  findEntry(qual: string[], loc: number): RangeEntry {
    const e = this.lookupEntry(qual, loc);
    if (!e) throw this.missingEntry(qual, loc);
    return e;
  }

  /**
   * errorMissingRTE: 42P01 for a qualifier naming no visible entry. An entry it could mean
   * (the same refname, or the table an alias hides) makes it "invalid reference" with
   * PostgreSQL's hint; nothing at all, "missing FROM-clause entry".
   */
  missingEntry(qual: readonly string[] | string, loc: number, ctx?: ResolveContext): DbError {
    const q = typeof qual === 'string' ? [qual] : qual;
    const name = q[q.length - 1]!;
    const schema = q.length > 1 ? q[q.length - 2] : undefined;
    // searchRangeTableForRel: the first entry that is the named relation (by OID, when the
    // binder can resolve the name) or has its refname. Without the binder, an aliased table
    // whose own name matches is taken as the one meant.
    const relid = ctx?.relationOid(name, schema);
    const isRel = (e: RangeEntry): boolean => (ctx
      ? relid !== undefined && e.relname !== undefined && e.columns[0]?.tableOid === relid
      : e.relname === name && (schema === undefined || e.relschema === undefined || e.relschema === schema));
    const rte = this.entries.find((e) => e.alias === name || isRel(e));
    const hidden = rte ? undefined : this.unreachable.find((e) => e.alias === name || isRel(e));
    if (hidden) {
      return new DbError('42P01', `invalid reference to FROM-clause entry for table "${name}"`, {
        hint: `There is an entry for table "${hidden.alias ?? ''}", but it cannot be referenced from this part of the query.`, ...this.pos(loc),
      });
    }
    if (rte) {
      const badAlias = rte.relname !== undefined && rte.alias !== name && this.lookupEntry([rte.alias!], loc) === rte ? rte.alias : undefined;
      return new DbError('42P01', `invalid reference to FROM-clause entry for table "${name}"`, {
        hint: badAlias !== undefined
          ? `Perhaps you meant to reference the table alias "${badAlias}".`
          : `There is an entry for table "${rte.alias}", but it cannot be referenced from this part of the query.`,
        ...this.pos(loc),
      });
    }
    return new DbError('42P01', `missing FROM-clause entry for table "${name}"`, this.pos(loc));
  }

  /**
   * Nothing here or outside is named: "invalid reference" is thrown when an entry here could
   * be meant; otherwise undefined, and the caller (another scope, or the binder's "missing
   * FROM-clause entry") decides.
   */
  private invalidReference(qual: readonly string[], loc: number, ctx: ResolveContext | undefined): undefined {
    const err = this.missingEntry(qual, loc, ctx);
    if (err.message.startsWith('invalid reference')) throw err;
    return undefined;
  }

  /**
   * `t.*` as a value (a function or aggregate argument): PostgreSQL's whole-row Var, here a
   * record of the entry's visible columns that keeps their names (to_jsonb shows them).
   */
  private wholeRow(e: RangeEntry, loc: number): BoundExpr {
    const idx: number[] = [];
    e.columns.forEach((c, i) => { if (!c.hidden) idx.push(i); });
    const types = idx.map((i) => e.columns[i]!.type.oid);
    const names = idx.map((i) => e.columns[i]!.name);
    return {
      kind: 'call', name: 'row', args: idx.map((i) => this.slot(e, i, loc)), type: T.record,
      impl: (a) => ({ fields: a.slice(), types, names }), strict: false, volatility: 'immutable', location: loc,
    };
  }

  resolveColumn(names: readonly string[], loc: number, ctx?: ResolveContext): BoundExpr | undefined {
    if (names[names.length - 1] === '*') {
      if (names.length === 1 || names.length > 4) return undefined;
      const qual = names.slice(0, -1).slice(-2);
      const e = this.lookupEntry(qual, loc);
      if (e) {
        // Through a wrapping scope (aggregate output, window, correlation) the row's slots
        // would be remapped column by column; a record over them is not, so it is refused.
        if (!ctx) throw new DbError('0A000', 'whole-row references (t.*) as values are not supported here yet', this.pos(loc));
        return this.wholeRow(e, loc);
      }
      return this.parent?.resolveColumn(names, loc, ctx) ?? this.invalidReference(qual, loc, ctx);
    }
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
      return found ?? this.parent?.resolveColumn(names, loc, ctx);
    }
    if (names.length > 4) throw new DbError('42601', `improper qualified name (too many dotted names): ${names.join('.')}`, this.pos(loc));
    const col = names[names.length - 1]!;
    const qual = names.slice(0, -1).slice(-2);
    const e = this.lookupEntry(qual, loc);
    if (!e) {
      return this.parent?.resolveColumn(names, loc, ctx) ?? this.invalidReference(qual, loc, ctx);
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

/**
 * Entries that exist at this level but that a name may not reach from here, PostgreSQL's
 * namespace items with p_lateral_only: the FROM items to the left of a non-LATERAL subquery, and
 * the target table of UPDATE/DELETE while its FROM/USING items are planned. Names resolve
 * through `parent` as if the entries were absent; when nothing resolves, a name that would have
 * meant one of them gets PostgreSQL's error instead of "missing"/"does not exist": 42P01
 * "invalid reference to FROM-clause entry" for a qualified name, 42703 with the hint 'There is
 * a column named ... in table ...' for a bare column, and, when `lateralActive` (a LATERAL item
 * reaching the UPDATE/DELETE target, which is never lateral-visible), 42P10 "invalid reference".
 */
export class OutOfReachScope implements Scope {
  constructor(
    readonly parent: Scope | undefined,
    private readonly hidden: RangeEntry[],
    private readonly lateralActive: boolean,
    private readonly position: (location: number) => number | undefined,
  ) {}

  private hint(alias: string | undefined): string {
    return `There is an entry for table "${alias ?? ''}", but it cannot be referenced from this part of the query.`;
  }

  resolveColumn(names: readonly string[], loc: number, ctx?: ResolveContext): BoundExpr | undefined {
    const hit = this.parent?.resolveColumn(names, loc, ctx);
    if (hit || this.hidden.length === 0) return hit;
    const p = this.position(loc);
    const pos = p !== undefined ? { position: p } : {};
    if (names.length === 1) {
      const n = names[0]!;
      const e = this.hidden.find((x) => x.columns.some((c) => !c.hidden && c.name === n));
      if (!e) return undefined;
      if (this.lateralActive) {
        throw new DbError('42P10', `invalid reference to FROM-clause entry for table "${e.alias ?? ''}"`, { hint: this.hint(e.alias), ...pos });
      }
      throw new DbError('42703', `column "${n}" does not exist`, {
        hint: `There is a column named "${n}" in table "${e.alias ?? ''}", but it cannot be referenced from this part of the query.`, ...pos,
      });
    }
    if (names.length > 4) return undefined;
    const qual = names.slice(0, -1).slice(-2);
    const err = new RelScope(this.hidden, 0, this.position).missingEntry(qual, loc, ctx);
    if (!err.message.startsWith('invalid reference')) return undefined;
    // A refname that names the entry itself is found and refused (42P10 where LATERAL is active).
    const direct = qual.length === 1 && this.hidden.some((x) => x.alias === qual[0]);
    throw this.lateralActive && direct ? new DbError('42P10', err.message, { ...err.fields, hint: this.hint(qual[0]) }) : err;
  }
}
