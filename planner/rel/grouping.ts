// GROUP BY with grouping sets (GROUPING SETS, ROLLUP, CUBE, `()`) and GROUPING(): PostgreSQL's
// flatten_grouping_sets + expand_grouping_sets (parse_agg.c) over our AST.
//
// The GROUP BY clause becomes a list of distinct leaf expressions (`items`) and, when grouping
// sets are written, a list of sets of item indexes (`sets`): the cartesian product of each
// top-level item's sets, as PostgreSQL builds it. Duplicate sets stay (each yields its own
// groups) unless GROUP BY DISTINCT. The aggregate operator (agg.ts) keeps one hash table per set
// and writes the set's index into an extra last slot; GROUPING(a, b) reads that slot.
//
// libpg-query's GroupingSet node has its own `kind` field (GROUPING_SET_ROLLUP ...), which the
// AST conversion lets overwrite our discriminant; both spellings are recognized here.

import type { Binder } from '../bind/binder.js';
import type { BoundExpr, Value } from '../bind/expr.js';
import { T } from '../bind/types.js';
import type { Node } from '../parse/ast.js';
import { rewrite, shapeKey } from './ast-walk.js';

/** PostgreSQL's limits (parse_agg.c): CUBE elements and expanded sets. */
const CUBE_ELEMENTS_MAX = 12;
const GROUPING_SETS_MAX = 4096;
/** GROUPING() returns int4 with one bit per argument. */
const GROUPING_ARGS_MAX = 31;

type SetKind = 'ROLLUP' | 'CUBE' | 'SETS' | 'SIMPLE' | 'EMPTY';

interface GroupingSetNode { kind: string; setKind?: string; content?: Node[]; location?: number }

/** The grouping-set kind of a GROUP BY item, or undefined for a plain expression. */
function setKindOf(n: Node): SetKind | undefined {
  const g = n as unknown as GroupingSetNode;
  const k = g.kind === 'GroupingSet' ? g.setKind : g.kind;
  if (typeof k === 'string' && k.startsWith('GROUPING_SET_')) return k.slice('GROUPING_SET_'.length) as SetKind;
  return undefined;
}

/** An implicit row `(a, b)` inside GROUP BY is a list of expressions (flatten_grouping_sets). */
function implicitRowArgs(n: Node): Node[] | undefined {
  const r = n as unknown as { kind: string; row_format?: string; args?: Node[] };
  return r.kind === 'RowExpr' && r.row_format === 'COERCE_IMPLICIT_CAST' ? r.args ?? [] : undefined;
}

export function hasGroupingSets(groupClause: readonly Node[] | undefined): boolean {
  return (groupClause ?? []).some((g) => setKindOf(g) !== undefined || implicitRowArgs(g) !== undefined);
}

export interface GroupingPlan {
  /** The distinct leaf expressions (after `leaf` resolved positions and aliases). */
  items: Node[];
  /** Sets of item indexes; undefined for a plain GROUP BY list. */
  sets: number[][] | undefined;
}

/**
 * Expands a GROUP BY clause. `leaf` resolves one plain expression (GROUP BY 1, output aliases,
 * also inside grouping sets as PostgreSQL does) and returns the AST to group by; equal
 * expressions share one item.
 */
export function expandGroupClause(b: Binder, groupClause: readonly Node[], distinct: boolean, leaf: (n: Node) => Node): GroupingPlan {
  const items: Node[] = [];
  const shapes: string[] = [];
  const itemOf = (n: Node): number => {

    const ast = leaf(n);
    const k = shapeKey(ast);
    let i = shapes.indexOf(k);
    if (i < 0) {
      i = items.length;
      items.push(ast);
      shapes.push(k);
    }
    return i;
  };
  if (!hasGroupingSets(groupClause)) return { items: groupClause.map((g) => items[itemOf(g)]!), sets: undefined };

  /** A unit inside ROLLUP/CUBE: one expression or a parenthesized list. */
  const unit = (n: Node): number[] => {
    const row = implicitRowArgs(n);
    if (row) return row.map((x) => itemOf(x));
    const k = setKindOf(n);
    if (k === 'SIMPLE') return ((n as unknown as GroupingSetNode).content ?? []).map((x) => itemOf(x));
    if (k === 'EMPTY') return [];
    return [itemOf(n)];
  };
  const setsOf = (n: Node): number[][] => {
    const row = implicitRowArgs(n);
    if (row) return [row.map((x) => itemOf(x))];
    const k = setKindOf(n);
    const content = (n as unknown as GroupingSetNode).content ?? [];
    switch (k) {
      case undefined:
        return [[itemOf(n)]];
      case 'EMPTY':
        return [[]];
      case 'SIMPLE':
        return [content.map((x) => itemOf(x))];
      case 'ROLLUP': {
        const units = content.map(unit);
        const out: number[][] = [];
        for (let len = units.length; len >= 0; len--) out.push(units.slice(0, len).flat());
        return out;
      }
      case 'CUBE': {
        const units = content.map(unit);
        if (units.length > CUBE_ELEMENTS_MAX) throw b.err('54000', `CUBE is limited to ${CUBE_ELEMENTS_MAX} elements`, (n as { location?: number }).location ?? -1);
        const out: number[][] = [];
        for (let m = (1 << units.length) - 1; m >= 0; m--) out.push(units.filter((_, i) => (m >> (units.length - 1 - i)) & 1).flat());
        return out;
      }
      case 'SETS':
        return content.flatMap((x) => setsOf(x));
      default: {
        const never: never = k;
        throw new Error(`unknown grouping set kind ${String(never)}`);
      }
    }
  };
  let sets: number[][] = [[]];
  for (const g of groupClause) {
    const next = setsOf(g);
    if (sets.length * next.length > GROUPING_SETS_MAX) throw b.err('54000', `too many grouping sets present (maximum ${GROUPING_SETS_MAX})`, -1);
    sets = sets.flatMap((s) => next.map((t) => [...s, ...t]));
  }
  sets = sets.map((s) => [...new Set(s)].sort((x, y) => x - y));
  if (distinct) {
    const seen = new Set<string>();
    sets = sets.filter((s) => {
      const k = s.join(',');
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  }
  return { items, sets };
}

/** True when the tree has a GROUPING() call outside subqueries. */
export function containsGroupingFunc(n: unknown): boolean {
  let found = false;
  rewrite(n, (x) => {
    if (found || x.kind !== ('GroupingFunc' as Node['kind'])) return found ? x : undefined;
    found = true;
    return x;
  });
  return found;
}

/** The item indexes GROUPING(args) tests (42803 for an argument that is not grouped). */
export function groupingFuncItems(b: Binder, n: Node, groupShapes: readonly string[], sameColumn: (arg: Node) => number): number[] {
  const g = n as unknown as { args?: Node[]; location?: number };
  const args = g.args ?? [];
  if (args.length > GROUPING_ARGS_MAX) throw b.err('54023', `GROUPING must have fewer than ${GROUPING_ARGS_MAX + 1} arguments`, g.location ?? -1);
  return args.map((a) => {
    // Matched by shape, else as the same column (`GROUPING(t.a)` for `GROUP BY a`).
    let i = groupShapes.indexOf(shapeKey(a));
    if (i < 0) i = sameColumn(a);
    if (i < 0) throw b.err('42803', 'arguments to GROUPING must be grouping expressions of the associated query level', (a as { location?: number }).location ?? -1);
    return i;
  });
}

/**
 * GROUPING(args) over the aggregate output: bit (n-1-j) is set when argument j is not in the
 * row's grouping set; `setSlot` holds the set's index (agg.ts), `sets` the sets themselves.
 */
export function groupingFuncExpr(items: readonly number[], sets: readonly (readonly number[])[], setSlot: number): BoundExpr {
  const masks = sets.map((s) => items.reduce((m, it) => (m << 1) | (s.includes(it) ? 0 : 1), 0));
  return {
    kind: 'call', name: 'grouping', type: T.int4, strict: false, volatility: 'stable', location: -1,
    args: [{ kind: 'column', index: setSlot, type: T.int4, name: 'grouping set', location: -1 }],
    impl: (a: Value[]) => masks[a[0] as number] ?? 0,
  } as BoundExpr;
}
