// Output column names as PostgreSQL derives them (FigureColname): a column's own name, a
// function's name, a cast's type name, "case", "coalesce", ...; "?column?" otherwise.

import { strings, type Node } from '../parse/ast.js';

const SVF_NAMES: Record<string, string> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

export function figureColname(node: Node | undefined): string {
  const [name] = figure(node);
  return name ?? '?column?';
}

/** [name, strength]: 2 = a real name, 1 = a fallback such as a cast's type name. */
function figure(node: Node | undefined): [string | undefined, number] {
  if (!node) return [undefined, 0];
  if ((node.kind as string) === 'A_Indirection') {
    // PostgreSQL: the last field name among the indirections (`(r).f`), else the base's name (`a[1]` → a).
    const ind = node as unknown as { arg?: Node; indirection?: Node[] };
    let fname: string | undefined;
    for (const i of ind.indirection ?? []) if (i.kind === 'String') fname = (i as { sval?: string }).sval;
    return fname !== undefined ? [fname, 2] : figure(ind.arg);
  }
  switch (node.kind) {
    case 'ColumnRef': {
      const f = strings(node.fields);
      const last = f[f.length - 1];
      return last && last !== '*' ? [last, 2] : [undefined, 0];
    }
    case 'FuncCall': {
      const f = strings(node.funcname);
      return [f[f.length - 1], 2];
    }
    case 'TypeCast': {
      const [n, s] = figure(node.arg);
      if (s >= 2) return [n, s];
      const names = strings(node.typeName.names);
      return [names[names.length - 1], 1];
    }
    case 'CollateClause':
      return figure(node.arg);
    case 'A_Expr':
      if (node.exprKind === 'AEXPR_NULLIF') return ['nullif', 2];
      return [undefined, 0];
    case 'CaseExpr': {
      const [n, s] = figure(node.defresult);
      return s >= 2 ? [n, s] : ['case', 1];
    }
    case 'CoalesceExpr':
      return ['coalesce', 2];
    case 'MinMaxExpr':
      return [node.op === 'IS_GREATEST' ? 'greatest' : 'least', 2];
    case 'SQLValueFunction':
      return [SVF_NAMES[node.op], 2];
    case 'A_ArrayExpr':
      return ['array', 2];
    case 'RowExpr':
      return ['row', 2];
    case 'SubLink':
      if (node.subLinkType === 'EXISTS_SUBLINK') return ['exists', 2];
      if (node.subLinkType === 'ARRAY_SUBLINK') return ['array', 2];
      if (node.subLinkType === 'EXPR_SUBLINK' && node.subselect?.kind === 'SelectStmt') {
        const t = node.subselect.targetList?.[0];
        if (t?.kind === 'ResTarget') return t.name ? [t.name, 2] : figure(t.val);
      }
      return [undefined, 0];
    default:
      return [undefined, 0];
  }
}
