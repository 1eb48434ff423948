// EXPLAIN lines for an external scan (RelNode.describe, rel/scan.ts), in PostgreSQL's EXPLAIN
// style for foreign scans: the node line, then indented details. What is known when planning
// (the pushed filter, parameters as $n) is always shown; partition/file pruning and the generated
// DuckDB SQL depend on parameter values and on the table's reference, so they are shown from the
// latest execution of this plan (EXPLAIN ANALYZE runs it first). Static import: no DuckDB here.
import type { ExternalScan } from './scan-spec.js';

/** The DuckDB SQL with its explicit file list shortened to a count (the list can be long). */
function shortSql(sql: string, files: number): string {
  return sql.replace(/read_parquet\(\[[^\]]*\]/, `read_parquet([${files} file${files === 1 ? '' : 's'}]`);
}

export function describeExternalScan(scan: ExternalScan, i: string): string {
  const lines = [`${i}Foreign Scan on ${scan.table.name} (DuckDB)`];
  const d = `${i}  `;
  const filters = scan.shownFilters();
  if (filters.length > 0) lines.push(`${d}Pushed Filter: ${filters.join(' AND ')}`);
  if (scan.partial) {
    // A decomposed UNION ALL branch (rel/partial-agg.ts): what DuckDB is asked to compute.
    const p = scan.partial;
    const aggs = p.aggs.map((a) => (a.fn === 'count_star' ? 'count(*)' : `${a.fn}(${a.arg})`)).join(', ');
    lines.push(`${d}Partial Aggregate: ${aggs}${p.groupBy.length > 0 ? ` GROUP BY ${p.groupBy.join(', ')}` : ''}`);
  }
  const r = scan.lastRun;
  if (scan.ship) lines.push(`${d}Key Source: ${scan.ship.nativeName} (native keys shipped when small)`);
  if (r) {
    if (r.shippedKeys !== undefined) lines.push(`${d}Shipped Keys: ${r.shippedKeys}`);
    if (r.keyRunFiles !== undefined) lines.push(`${d}Key Runs: rows read by row number in ${r.keyRunFiles} file${r.keyRunFiles === 1 ? '' : 's'}`);
    if (r.partitionsTotal > 0) lines.push(`${d}Partitions: kept ${r.partitionsKept} of ${r.partitionsTotal}`);
    lines.push(`${d}Files: kept ${r.filesKept} of ${r.filesTotal}${r.statsPruned > 0 ? ` (pruned by statistics: ${r.statsPruned})` : ''}`);
    if (r.wholeStatement) lines.push(`${d}Placement: whole statement in DuckDB`);
    if (r.partialAggregate) lines.push(`${d}Placement: partial aggregate in DuckDB, combined natively`);
    if (r.streamed) lines.push(`${d}Rows: streamed from DuckDB chunk by chunk`);
    lines.push(`${d}DuckDB: ${r.sql === undefined ? '(not run: no file left)' : shortSql(r.sql, r.filesKept)}`);
  }
  return lines.join('\n');
}
