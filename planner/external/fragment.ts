// An external fragment: the part of a bound plan that touches one external table only, in a small
// IR the planner builds from its bound tree, and its rendering into DuckDB SQL. Invariants:
// (1) the SQL is generated here from the IR — no user text reaches DuckDB; names and strings pass
// through quoteIdent/quoteLiteral and constants are rendered from internal values;
// (2) only constructs whose DuckDB semantics equal PostgreSQL's are rendered — anything else makes
// `renderFragment` return { pushable: false, reason } and the planner evaluates it natively;
// (3) result types are PostgreSQL's (sum(int4) is int8, not DuckDB's HUGEINT), enforced with CASTs;
// (4) ORDER BY always states NULLS FIRST/LAST (DuckDB's default differs from PostgreSQL's for DESC).
import { Numeric } from '../../catalog/index.js';
import { quoteIdent, quoteLiteral, readParquetCall, duckTypeFor, type ExternalParam, type ExternalTableRef, type PgOid, type RefFile } from '../../external/index.js';
import type { CmpOp } from './prune.js';

export type FragExpr =
  | { kind: 'col'; name: string }
  | { kind: 'const'; oid: number; typmod: number; value: unknown }
  | { kind: 'cmp'; op: CmpOp; left: FragExpr; right: FragExpr }
  | { kind: 'and'; args: FragExpr[] }
  | { kind: 'or'; args: FragExpr[] }
  | { kind: 'not'; arg: FragExpr }
  | { kind: 'isNull'; arg: FragExpr; negated: boolean }
  | { kind: 'in'; arg: FragExpr; list: FragExpr[]; negated: boolean };

export type FragAgg =
  | { fn: 'count_star' }
  | { fn: 'count' | 'sum' | 'min' | 'max'; arg: string /* column name */; distinct: boolean };

export type FragOutput = { kind: 'columns'; columns: string[] } | { kind: 'aggregate'; groupBy: string[]; aggs: FragAgg[] };

export interface FragSort {
  /** 0-based position in the output. */
  index: number;
  desc: boolean;
  nullsFirst: boolean;
}

export interface Fragment {
  table: string;
  ref: ExternalTableRef;
  /** Files left after partition pruning (explicit list for DuckDB). */
  files: RefFile[];
  filters: FragExpr[];
  output: FragOutput;
  orderBy: FragSort[];
  limit: number | undefined;
  offset: number | undefined;
  /**
   * Rows located from the file's key runs (external/key-runs.ts): the one file's rows at these
   * positions are exactly the rows whose `keyColumn` holds the looked-up key(s), so the SQL reads
   * them by `file_row_number` and renders no `filters` (DuckDB then never decompresses the key
   * column). See RowTargetKey for what the key column's output slot carries.
   */
  rowTarget?: { rows: readonly bigint[]; keyColumn: string; key: RowTargetKey };
}

/**
 * What a row target outputs for its key column:
 * - `constant`: a point lookup (lookup-run.ts, placement A): `filters` is exactly the equality
 *   `keyColumn = value`, every row holds that key, output as a constant of the column's type;
 * - `rowNumber`: shipped keys of a join (ship-runs.ts, placement B): the slot carries the row's
 *   `file_row_number` (BIGINT) and the caller replaces it with the key its key runs place at that
 *   row; `filters` are not rendered — placement B re-checks every pushed conjunct natively above
 *   the scan, so the rows with the keys are a superset the native filter narrows exactly.
 */
export type RowTargetKey = { kind: 'constant'; oid: number; typmod: number; value: unknown } | { kind: 'rowNumber' };

export interface OutputColumn {
  name: string;
  oid: number;
  typmod: number;
}

export type Rendered =
  | {
      pushable: true;
      sql: string;
      columns: OutputColumn[];
      files: string[];
      /** Values of `$1…$n` in `sql`: empty unless rendered with `parameters` (RenderOptions). */
      params: ExternalParam[];
    }
  | { pushable: false; reason: string };

export interface RenderOptions {
  /**
   * Constants of integer, text, date and timestamp types become `$n` parameters (cast exactly as
   * their literals would be), so the SQL is a shape shared by executions with other constants and
   * DuckDB prepares it once per connection (external/prepared.ts). Other constants stay literals.
   */
  parameters?: boolean;
}

class NotPushable extends Error {}
const no = (reason: string): never => {
  throw new NotPushable(reason);
};

const OID = { bool: 16, int8: 20, int2: 21, int4: 23, text: 25, varchar: 1043, float4: 700, float8: 701, date: 1082, timestamp: 1114, timestamptz: 1184, numeric: 1700 } as const;
const EPOCH_SHIFT_DAYS = 10957;
const EPOCH_SHIFT_MICROS = 946_684_800_000_000n;

interface ColInfo {
  sql: string;
  oid: number;
  typmod: number;
}

function columnsOf(f: Fragment): Map<string, ColInfo> {
  const m = new Map<string, ColInfo>();
  for (const c of f.ref.columns) m.set(c.name, { sql: quoteIdent(c.source), oid: c.oid, typmod: c.typmod });
  for (const c of f.ref.partitionColumns) m.set(c.name, { sql: quoteIdent(c.source), oid: c.oid, typmod: c.typmod });
  return m;
}

export function renderFragment(f: Fragment, opts: RenderOptions = {}): Rendered {
  try {
    return render(f, opts.parameters ? [] : undefined);
  } catch (e) {
    if (e instanceof NotPushable) return { pushable: false, reason: e.message };
    throw e;
  }
}

function render(f: Fragment, params: ExternalParam[] | undefined): Rendered {
  if (f.files.length === 0) return no('no files left after pruning (the planner returns no rows without DuckDB)');
  const cols = columnsOf(f);
  const col = (name: string): ColInfo => {
    const c = cols.get(name);
    if (!c) throw new Error(`assertion: unknown column "${name}" of external table ${f.table}`);
    if (c.oid === 0) no(`column "${name}" has a type with no PostgreSQL equivalent`);
    return c;
  };
  // Partition columns come from the paths: DuckDB builds them only when the SQL names one.
  const named = namesUsed(f);
  const hiveTypes = f.ref.partitionColumns.filter((p) => named.has(p.name)).map((p): [string, string] => {
    const t = duckTypeFor({ oid: p.oid as PgOid, typmod: p.typmod });
    return [p.source, t ?? no(`partition column "${p.name}" has a type DuckDB cannot carry`)];
  });
  const target = f.rowTarget;
  if (target && (f.files.length !== 1 || target.rows.length === 0 || (target.key.kind === 'constant' && f.filters.length !== 1))) {
    throw new Error('assertion: a row target needs one file, rows and (for a constant key) one equality');
  }
  const from = `${readParquetCall({ files: f.files.map((x) => x.path), hiveTypes, fileRowNumber: target !== undefined })} AS t`;
  const where = target
    ? ` WHERE t.file_row_number IN (${target.rows.map((r) => (params ? `CAST(${param(params, { type: 'BIGINT', value: r })} AS BIGINT)` : `CAST(${r.toString()} AS BIGINT)`)).join(', ')})`
    : f.filters.length > 0
      ? ` WHERE ${f.filters.map((x) => expr(x, col, params)).join(' AND ')}`
      : '';
  /** A plain output column: the column, or what a row target outputs for its key (RowTargetKey). */
  const outCol = (n: string): string => {
    if (target?.keyColumn !== n) return col(n).sql;
    const k = target.key;
    switch (k.kind) {
      case 'rowNumber':
        return 't.file_row_number';
      case 'constant': {
        const c = col(n);
        const ty = duckTypeFor({ oid: c.oid as PgOid, typmod: c.typmod }) ?? no(`column "${n}" has no DuckDB type`);
        return `CAST(${params ? parameter(k.oid, k.typmod, k.value, params) : constant(k.oid, k.typmod, k.value)} AS ${ty})`;
      }
      default: {
        const never: never = k;
        return never;
      }
    }
  };
  /** Output type: a row number slot is int8 (BIGINT) whatever the key column's type. */
  const outType = (n: string): OutputColumn =>
    target?.keyColumn === n && target.key.kind === 'rowNumber' ? { name: n, oid: 20, typmod: -1 } : { name: n, oid: col(n).oid, typmod: col(n).typmod };
  let select: string;
  let groupBy = '';
  let out: OutputColumn[];
  switch (f.output.kind) {
    case 'columns': {
      out = f.output.columns.map(outType);
      select = f.output.columns.map((n, i) => `${outCol(n)} AS c${i}`).join(', ');
      break;
    }
    case 'aggregate': {
      if (target) throw new Error('assertion: a row target only outputs columns');
      const g = f.output.groupBy.map((n) => col(n));
      const aggs = f.output.aggs.map((a) => aggregate(a, col));
      out = [
        ...f.output.groupBy.map((n, i) => ({ name: n, oid: g[i]!.oid, typmod: g[i]!.typmod })),
        ...aggs.map((a) => a.out),
      ];
      select = [...g.map((c, i) => `${c.sql} AS c${i}`), ...aggs.map((a, i) => `${a.sql} AS c${g.length + i}`)].join(', ');
      if (g.length > 0) groupBy = ` GROUP BY ${g.map((c) => c.sql).join(', ')}`;
      if (select === '') no('an aggregate fragment needs an output column');
      break;
    }
    default: {
      const never: never = f.output;
      return never;
    }
  }
  const order =
    f.orderBy.length > 0
      ? ` ORDER BY ${f.orderBy
          .map((s) => {
            if (s.index < 0 || s.index >= out.length) throw new Error('assertion: ORDER BY index out of range');
            return `c${s.index} ${s.desc ? 'DESC' : 'ASC'} ${s.nullsFirst ? 'NULLS FIRST' : 'NULLS LAST'}`;
          })
          .join(', ')}`
      : '';
  // A row target's distinct rows are all there is to find (each position holds one row): the
  // LIMIT changes no result but lets DuckDB stop scanning the row group once they are found
  // (~7 % of a point lookup's time, measured in-process).
  const limit = f.limit !== undefined ? ` LIMIT ${int(f.limit)}` : target ? ` LIMIT ${new Set(target.rows).size}` : '';
  const offset = f.offset !== undefined ? ` OFFSET ${int(f.offset)}` : '';
  const sql = `SELECT ${select} FROM ${from}${where}${groupBy}${order}${limit}${offset}`;
  return { pushable: true, sql, columns: out, files: f.files.map((x) => x.path), params: params ?? [] };
}

/** Column names a fragment's SQL refers to (filters, outputs, grouping, aggregate arguments). */
function namesUsed(f: Fragment): Set<string> {
  const out = new Set<string>();
  const walk = (e: FragExpr): void => {
    switch (e.kind) {
      case 'col':
        out.add(e.name);
        return;
      case 'const':
        return;
      case 'cmp':
        walk(e.left);
        walk(e.right);
        return;
      case 'and':
      case 'or':
        e.args.forEach(walk);
        return;
      case 'not':
      case 'isNull':
        walk(e.arg);
        return;
      case 'in':
        walk(e.arg);
        e.list.forEach(walk);
        return;
      default: {
        const never: never = e;
        return never;
      }
    }
  };
  if (!f.rowTarget) f.filters.forEach(walk);
  switch (f.output.kind) {
    case 'columns':
      f.output.columns.forEach((c) => out.add(c));
      break;
    case 'aggregate':
      f.output.groupBy.forEach((c) => out.add(c));
      for (const a of f.output.aggs) if (a.fn !== 'count_star') out.add(a.arg);
      break;
    default: {
      const never: never = f.output;
      return never;
    }
  }
  return out;
}

function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new Error('assertion: LIMIT/OFFSET must be a non-negative integer');
  return String(n);
}

function aggregate(a: FragAgg, col: (n: string) => ColInfo): { sql: string; out: OutputColumn } {
  if (a.fn === 'count_star') return { sql: 'count(*)', out: { name: 'count', oid: OID.int8, typmod: -1 } };
  const c = col(a.arg);
  const d = a.distinct ? 'DISTINCT ' : '';
  switch (a.fn) {
    case 'count':
      return { sql: `count(${d}${c.sql})`, out: { name: 'count', oid: OID.int8, typmod: -1 } };
    case 'min':
    case 'max':
      if (![OID.bool, OID.int2, OID.int4, OID.int8, OID.text, OID.varchar, OID.float4, OID.float8, OID.date, OID.timestamp, OID.timestamptz, OID.numeric].includes(c.oid as never)) {
        no(`${a.fn} over type OID ${c.oid} is not pushed down`);
      }
      if (c.oid === OID.bool) no('min/max(boolean) does not exist in PostgreSQL');
      return { sql: `${a.fn}(${d}${c.sql})`, out: { name: a.fn, oid: c.oid, typmod: c.oid === OID.numeric ? -1 : c.typmod } };
    case 'sum':
      switch (c.oid) {
        case OID.int2:
        case OID.int4:
          // PostgreSQL: sum(int2/int4) is int8.
          return { sql: `CAST(sum(${d}${c.sql}) AS BIGINT)`, out: { name: 'sum', oid: OID.int8, typmod: -1 } };
        case OID.int8:
          return { sql: `sum(${d}${c.sql})`, out: { name: 'sum', oid: OID.numeric, typmod: -1 } };
        case OID.numeric:
          if (c.typmod < 0) no('sum over unconstrained numeric is not pushed down');
          return { sql: `sum(${d}${c.sql})`, out: { name: 'sum', oid: OID.numeric, typmod: -1 } };
        case OID.float4:
          return { sql: `CAST(sum(${d}${c.sql}) AS FLOAT)`, out: { name: 'sum', oid: OID.float4, typmod: -1 } };
        case OID.float8:
          return { sql: `sum(${d}${c.sql})`, out: { name: 'sum', oid: OID.float8, typmod: -1 } };
        default:
          return no(`sum over type OID ${c.oid} is not pushed down`);
      }
    default: {
      const never: never = a;
      return never;
    }
  }
}

function expr(e: FragExpr, col: (n: string) => ColInfo, params: ExternalParam[] | undefined): string {
  const sub = (x: FragExpr): string => expr(x, col, params);
  switch (e.kind) {
    case 'col':
      return `t.${col(e.name).sql}`;
    case 'const':
      return params ? parameter(e.oid, e.typmod, e.value, params) : constant(e.oid, e.typmod, e.value);
    case 'cmp':
      return `(${sub(e.left)} ${e.op} ${sub(e.right)})`;
    case 'and':
      return e.args.length === 0 ? 'TRUE' : `(${e.args.map(sub).join(' AND ')})`;
    case 'or':
      return e.args.length === 0 ? 'FALSE' : `(${e.args.map(sub).join(' OR ')})`;
    case 'not':
      return `(NOT ${sub(e.arg)})`;
    case 'isNull':
      return `(${sub(e.arg)} IS ${e.negated ? 'NOT ' : ''}NULL)`;
    case 'in':
      if (e.list.length === 0) throw new Error('assertion: empty IN list');
      return `(${sub(e.arg)} ${e.negated ? 'NOT ' : ''}IN (${e.list.map(sub).join(', ')}))`;
    default: {
      const never: never = e;
      return never;
    }
  }
}

function param(params: ExternalParam[], p: ExternalParam): string {
  params.push(p);
  return `$${params.length}`;
}

/**
 * A constant as a `$n` parameter appended to `params`, cast as `constant` casts its literal (the
 * value bound is the number `constant` would print); types without such a form stay literals.
 */
export function parameter(oid: number, typmod: number, v: unknown, params: ExternalParam[]): string {
  if (v === null) return constant(oid, typmod, v);
  const next = (p: ExternalParam): string => param(params, p);
  switch (oid) {
    case OID.int2:
      return `CAST(${next({ type: 'INTEGER', value: v as number })} AS SMALLINT)`;
    case OID.int4:
      return `CAST(${next({ type: 'INTEGER', value: v as number })} AS INTEGER)`;
    case OID.int8:
      return `CAST(${next({ type: 'BIGINT', value: v as bigint })} AS BIGINT)`;
    case OID.text:
    case OID.varchar:
      return `CAST(${next({ type: 'VARCHAR', value: v as string })} AS VARCHAR)`;
    case OID.date: {
      const d = v as number;
      if (d === 2147483647 || d === -2147483648) return no('infinite dates are not pushed down');
      return `(DATE '1970-01-01' + CAST(${next({ type: 'INTEGER', value: d + EPOCH_SHIFT_DAYS })} AS INTEGER))`;
    }
    case OID.timestamp:
    case OID.timestamptz: {
      const m = v as bigint;
      if (m === (1n << 63n) - 1n || m === -(1n << 63n)) return no('infinite timestamps are not pushed down');
      const fn = oid === OID.timestamp ? 'make_timestamp' : 'make_timestamptz';
      return `${fn}(CAST(${next({ type: 'BIGINT', value: m + EPOCH_SHIFT_MICROS })} AS BIGINT))`;
    }
    default:
      return constant(oid, typmod, v);
  }
}

/** A typed DuckDB literal for an internal value; never depends on DuckDB's text parsing of dates or zones. */
export function constant(oid: number, typmod: number, v: unknown): string {
  if (v === null) {
    const dt = duckTypeFor({ oid: oid as PgOid, typmod });
    return dt ? `CAST(NULL AS ${dt})` : no(`NULL of type OID ${oid} is not pushed down`);
  }
  switch (oid) {
    case OID.bool:
      return v ? 'TRUE' : 'FALSE';
    case OID.int2:
      return `CAST(${v as number} AS SMALLINT)`;
    case OID.int4:
      return `CAST(${v as number} AS INTEGER)`;
    case OID.int8:
      return `CAST(${(v as bigint).toString()} AS BIGINT)`;
    case OID.float4:
    case OID.float8: {
      const n = v as number;
      const ty = oid === OID.float4 ? 'FLOAT' : 'DOUBLE';
      const text = Number.isNaN(n) ? 'NaN' : n === Infinity ? 'Infinity' : n === -Infinity ? '-Infinity' : Object.is(n, -0) ? '-0.0' : String(n);
      return `CAST(${quoteLiteral(text)} AS ${ty})`;
    }
    case OID.text:
    case OID.varchar:
      return quoteLiteral(v as string);
    case OID.numeric: {
      const n = v as Numeric;
      if (n.kind !== 'finite') return no('non-finite numeric constants are not pushed down');
      const neg = n.coef < 0n;
      const digits = (neg ? -n.coef : n.coef).toString().padStart(n.scale + 1, '0');
      const p = Math.max(digits.length, 1);
      if (p > 38) return no('numeric constant wider than 38 digits');
      const text = `${neg ? '-' : ''}${n.scale > 0 ? `${digits.slice(0, -n.scale)}.${digits.slice(-n.scale)}` : digits}`;
      return `CAST(${quoteLiteral(text)} AS DECIMAL(${p},${n.scale}))`;
    }
    case OID.date: {
      const d = v as number;
      if (d === 2147483647 || d === -2147483648) return no('infinite dates are not pushed down');
      return `(DATE '1970-01-01' + CAST(${d + EPOCH_SHIFT_DAYS} AS INTEGER))`;
    }
    case OID.timestamp:
    case OID.timestamptz: {
      const m = v as bigint;
      if (m === (1n << 63n) - 1n || m === -(1n << 63n)) return no('infinite timestamps are not pushed down');
      const fn = oid === OID.timestamp ? 'make_timestamp' : 'make_timestamptz';
      return `${fn}(CAST(${(m + EPOCH_SHIFT_MICROS).toString()} AS BIGINT))`;
    }
    default:
      return no(`constants of type OID ${oid} are not pushed down`);
  }
}

/** EXPLAIN lines for a fragment (placement, pushed predicates, files kept/pruned, generated SQL). */
export function explainFragment(
  f: Fragment,
  r: Rendered,
  prune: { prunedFiles: number; keptPartitions: number; prunedPartitions: number; partitionFilter: string | undefined },
): string[] {
  const lines = [`External Scan on ${f.table}  (runs in: DuckDB)`];
  lines.push(`  Location: ${f.ref.location}`);
  if (f.ref.partitionColumns.length > 0) {
    lines.push(`  Partition Filter: ${prune.partitionFilter ?? '(none)'}`);
    lines.push(`  Partitions: ${prune.keptPartitions} kept, ${prune.prunedPartitions} pruned`);
  }
  lines.push(`  Files: ${f.files.length} kept, ${prune.prunedFiles} pruned`);
  if (r.pushable) {
    lines.push(`  Pushed Down: ${[f.filters.length > 0 ? 'filter' : '', f.output.kind === 'aggregate' ? 'aggregate' : 'projection', f.orderBy.length > 0 ? 'order by' : '', f.limit !== undefined ? 'limit' : ''].filter(Boolean).join(', ')}`);
    lines.push(`  DuckDB SQL: ${r.sql.replace(/read_parquet\(\[[^\]]*\]/, `read_parquet([${f.files.length} files]`)}`);
  } else {
    lines.push(`  Not Pushed Down: ${r.reason}`);
  }
  return lines;
}
