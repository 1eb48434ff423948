// pg_partition_ancestors(regclass) → setof regclass, which psql's `\d` calls for a table's
// foreign keys and triggers. PostgreSQL returns rows only for a relation inside a partition tree
// (a partition or a partitioned table/index: check_rel_can_be_partition); Pyralog has no
// partitioning, so every call returns no rows — after the argument is taken as a regclass, so an
// unknown name is still 42P01 as there. Its column is `relid` in FROM (the OUT parameter's
// name), the function's name in a select list.
import type { FuncCall } from '../parse/ast.js';
import type { Binder } from '../bind/binder.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { compile } from '../eval/compile.js';
import { T, typeName } from '../bind/types.js';
import { RowsNode } from '../rel/ops.js';
import type { ArrayRelation } from './array-srf.js';

const NAME = 'pg_partition_ancestors';

/** pg_partition_ancestors(x) in FROM (or, through ProjectSet, in a select list). */
export function partitionAncestorsInFrom(b: Binder, f: FuncCall, ordinality: boolean, aliasName: string | undefined): ArrayRelation {
  const loc = f.location ?? -1;
  const args = (f.args ?? []).map((a) => b.bind(a));
  if (args.length !== 1) throw b.err('42883', `function ${NAME}(${args.map((a) => typeName(a.type.oid)).join(', ')}) does not exist`, loc, { hint: 'No function matches the given name and argument types. You might need to add explicit type casts.' });
  const arg = compile(b.coerceTo(args[0]!, T.regclass, NAME, loc));
  const columns = [{ name: aliasName ?? 'relid', type: T.regclass }];
  if (ordinality) columns.push({ name: 'ordinality', type: T.int8 });
  const produce = (ctx: EvalContext): Value[][] => {
    arg([], ctx); // evaluated for its errors; no relation is in a partition tree
    return [];
  };
  return { columns, node: new RowsNode(columns.length, produce, `Function Scan on ${NAME}`) };
}
