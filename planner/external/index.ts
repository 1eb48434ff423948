// planner/external door: the planner's side of external tables (issue 5) — Pyralog's own
// statements, partition pruning, rendering external fragments to DuckDB SQL, EXPLAIN lines.
export { parseExternalStatement, unwiredExternalStatementError, type ExternalStatement, type ColumnDef, type QualifiedName, type ParquetCopyOptions, type ParquetCodecName } from './statements.js';
export { typedPartitions, prunePartitions, type PartitionPredicate, type PruneResult, type TypedPartitionFile, type CmpOp } from './prune.js';
export { renderFragment, explainFragment, constant, type Fragment, type FragExpr, type FragAgg, type FragOutput, type FragSort, type Rendered, type OutputColumn } from './fragment.js';
export { dbErrorFromExternal, withDbErrors, toInternalValue } from './convert.js';
export { externalRowCursor, type ExternalCursorOptions } from './cursor.js';
export { planExternalTable, externalTableReadOnly, type ExternalTablePlan, type TypeOf, type ResolvedType } from './create.js';
export { fromCreateForeignTable, parquetCopyOptions, PARQUET_SERVER, type ForeignTableNode, type ParquetCopyOptionsPg } from './pg-spelling.js';
