// Typed view of libpg-query's JSON AST, after convert.ts has turned every `{ NodeName: {...} }`
// wrapper into `{ kind: 'NodeName', ... }`. Only the node kinds the planner reads are described;
// any other kind still arrives at run time (with its `kind`) and the binder rejects it with
// 0A000 naming the construct, so a missing type here can never become a wrong answer.
//
// Locations are byte offsets into the UTF-8 query text, -1 when unknown (PostgreSQL's rule).

export interface StringNode { kind: 'String'; sval?: string }
export interface IntegerNode { kind: 'Integer'; ival?: number }
export interface FloatNode { kind: 'Float'; fval?: string }
export interface BooleanNode { kind: 'Boolean'; boolval?: boolean }
export interface ListNode { kind: 'List'; items?: Node[] }
export interface A_Star { kind: 'A_Star' }

export interface A_Const {
  kind: 'A_Const';
  ival?: { ival?: number };
  fval?: { fval?: string };
  sval?: { sval?: string };
  boolval?: { boolval?: boolean };
  bsval?: { bsval?: string };
  isnull?: boolean;
  location?: number;
}

export interface TypeName {
  names?: Node[];
  typmods?: Node[];
  typemod?: number;
  arrayBounds?: Node[];
  setof?: boolean;
  pct_type?: boolean;
  location?: number;
}

export interface ColumnRef { kind: 'ColumnRef'; fields?: Node[]; location?: number }
export interface ParamRef { kind: 'ParamRef'; number?: number; location?: number }
export interface TypeCast { kind: 'TypeCast'; arg: Node; typeName: TypeName; location?: number }
export interface CollateClause { kind: 'CollateClause'; arg?: Node; collname?: Node[]; location?: number }

export type A_Expr_Kind =
  | 'AEXPR_OP' | 'AEXPR_OP_ANY' | 'AEXPR_OP_ALL' | 'AEXPR_DISTINCT' | 'AEXPR_NOT_DISTINCT'
  | 'AEXPR_NULLIF' | 'AEXPR_IN' | 'AEXPR_LIKE' | 'AEXPR_ILIKE' | 'AEXPR_SIMILAR'
  | 'AEXPR_BETWEEN' | 'AEXPR_NOT_BETWEEN' | 'AEXPR_BETWEEN_SYM' | 'AEXPR_NOT_BETWEEN_SYM';

export interface A_Expr {
  kind: 'A_Expr';
  /** Called `kind` in PostgreSQL; renamed by convert.ts because `kind` is our discriminant. */
  exprKind: A_Expr_Kind;
  name?: Node[];
  lexpr?: Node;
  rexpr?: Node;
  location?: number;
}

export interface BoolExpr { kind: 'BoolExpr'; boolop: 'AND_EXPR' | 'OR_EXPR' | 'NOT_EXPR'; args?: Node[]; location?: number }
export interface NullTest { kind: 'NullTest'; arg: Node; nulltesttype: 'IS_NULL' | 'IS_NOT_NULL'; location?: number }
export interface BooleanTest {
  kind: 'BooleanTest';
  arg: Node;
  booltesttype: 'IS_TRUE' | 'IS_NOT_TRUE' | 'IS_FALSE' | 'IS_NOT_FALSE' | 'IS_UNKNOWN' | 'IS_NOT_UNKNOWN';
  location?: number;
}
export interface CaseWhen { kind: 'CaseWhen'; expr: Node; result: Node; location?: number }
export interface CaseExpr { kind: 'CaseExpr'; arg?: Node; args?: Node[]; defresult?: Node; location?: number }
export interface CoalesceExpr { kind: 'CoalesceExpr'; args?: Node[]; location?: number }
export interface MinMaxExpr { kind: 'MinMaxExpr'; op: 'IS_GREATEST' | 'IS_LEAST'; args?: Node[]; location?: number }
export interface SQLValueFunction { kind: 'SQLValueFunction'; op: string; typmod?: number; location?: number }
export interface FuncCall {
  kind: 'FuncCall';
  funcname?: Node[];
  args?: Node[];
  agg_order?: Node[];
  agg_filter?: Node;
  over?: unknown;
  agg_star?: boolean;
  agg_distinct?: boolean;
  func_variadic?: boolean;
  funcformat?: string;
  location?: number;
}
export interface SubLink { kind: 'SubLink'; subLinkType: string; subselect?: Node; testexpr?: Node; location?: number }
export interface A_ArrayExpr { kind: 'A_ArrayExpr'; elements?: Node[]; location?: number }
export interface RowExpr { kind: 'RowExpr'; args?: Node[]; location?: number }

export interface ResTarget { kind: 'ResTarget'; name?: string; val?: Node; location?: number }
export interface SortBy {
  kind: 'SortBy';
  node: Node;
  sortby_dir?: 'SORTBY_DEFAULT' | 'SORTBY_ASC' | 'SORTBY_DESC' | 'SORTBY_USING';
  sortby_nulls?: 'SORTBY_NULLS_DEFAULT' | 'SORTBY_NULLS_FIRST' | 'SORTBY_NULLS_LAST';
  location?: number;
}
export interface RangeVar { kind: 'RangeVar'; schemaname?: string; relname?: string; location?: number }

export interface SelectStmt {
  kind: 'SelectStmt';
  distinctClause?: Node[];
  targetList?: Node[];
  fromClause?: Node[];
  whereClause?: Node;
  groupClause?: Node[];
  havingClause?: Node;
  windowClause?: Node[];
  valuesLists?: Node[];
  sortClause?: Node[];
  limitOffset?: Node;
  limitCount?: Node;
  limitOption?: string;
  lockingClause?: Node[];
  withClause?: unknown;
  intoClause?: unknown;
  op?: 'SETOP_NONE' | 'SETOP_UNION' | 'SETOP_INTERSECT' | 'SETOP_EXCEPT';
  all?: boolean;
  larg?: SelectStmt;
  rarg?: SelectStmt;
}

export interface DefElem { kind: 'DefElem'; defname?: string; arg?: Node; location?: number }

export interface VariableSetStmt {
  kind: 'VariableSetStmt';
  varKind: 'VAR_SET_VALUE' | 'VAR_SET_DEFAULT' | 'VAR_SET_CURRENT' | 'VAR_SET_MULTI' | 'VAR_RESET' | 'VAR_RESET_ALL';
  name?: string;
  args?: Node[];
  is_local?: boolean;
  location?: number;
}
export interface VariableShowStmt { kind: 'VariableShowStmt'; name?: string }
export interface TransactionStmt {
  kind: 'TransactionStmt';
  txKind:
    | 'TRANS_STMT_BEGIN' | 'TRANS_STMT_START' | 'TRANS_STMT_COMMIT' | 'TRANS_STMT_ROLLBACK'
    | 'TRANS_STMT_SAVEPOINT' | 'TRANS_STMT_RELEASE' | 'TRANS_STMT_ROLLBACK_TO'
    | 'TRANS_STMT_PREPARE' | 'TRANS_STMT_COMMIT_PREPARED' | 'TRANS_STMT_ROLLBACK_PREPARED';
  options?: Node[];
  savepoint_name?: string;
  chain?: boolean;
  location?: number;
}
export interface CreatedbStmt { kind: 'CreatedbStmt'; dbname?: string; options?: Node[] }
export interface DropdbStmt { kind: 'DropdbStmt'; dbname?: string; missing_ok?: boolean; options?: Node[] }
export interface DiscardStmt { kind: 'DiscardStmt'; target?: 'DISCARD_ALL' | 'DISCARD_PLANS' | 'DISCARD_SEQUENCES' | 'DISCARD_TEMP' }
export interface CopyStmt {
  kind: 'CopyStmt';
  relation?: RangeVar;
  query?: Node;
  attlist?: Node[];
  is_from?: boolean;
  is_program?: boolean;
  filename?: string;
  options?: Node[];
  whereClause?: Node;
}
export interface ExplainStmt { kind: 'ExplainStmt'; query?: Node; options?: Node[] }
export interface PrepareStmt { kind: 'PrepareStmt'; name?: string; argtypes?: Node[]; query?: Node }
export interface ExecuteStmt { kind: 'ExecuteStmt'; name?: string; params?: Node[] }
export interface DeallocateStmt { kind: 'DeallocateStmt'; name?: string; isall?: boolean; location?: number }
export interface NamedArgExpr { kind: 'NamedArgExpr'; arg: Node; name?: string; location?: number }
/** A TypeName that appears as a list element (PREPARE's argument types). */
export interface TypeNameNode extends TypeName { kind: 'TypeName' }

/** Every node kind the planner reads. */
export type Node =
  | StringNode | IntegerNode | FloatNode | BooleanNode | ListNode | A_Star | A_Const
  | ColumnRef | ParamRef | TypeCast | CollateClause | A_Expr | BoolExpr | NullTest | BooleanTest
  | CaseWhen | CaseExpr | CoalesceExpr | MinMaxExpr | SQLValueFunction | FuncCall | SubLink
  | A_ArrayExpr | RowExpr | ResTarget | SortBy | RangeVar | SelectStmt | DefElem
  | VariableSetStmt | VariableShowStmt | TransactionStmt | CreatedbStmt | DropdbStmt
  | DiscardStmt | CopyStmt | ExplainStmt | PrepareStmt | ExecuteStmt | DeallocateStmt | TypeNameNode | NamedArgExpr;

/** The name libpg-query gave a node, also for kinds not in `Node` (for error messages). */
export function nodeKindName(n: Node): string {
  return (n as { kind: string }).kind;
}

/** Statement location/length within the original text, in bytes (from RawStmt). */
export interface RawStmt {
  stmt: Node;
  stmtLocationBytes: number;
  /** 0 means "to the end of the string" (PostgreSQL's convention). */
  stmtLenBytes: number;
}

/** Text of a String node list such as `funcname` or `TypeName.names`. */
export function strings(list: Node[] | undefined): string[] {
  const out: string[] = [];
  for (const n of list ?? []) {
    if (n.kind === 'String') out.push(n.sval ?? '');
    else if (n.kind === 'A_Star') out.push('*');
  }
  return out;
}
