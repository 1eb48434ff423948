// PostgreSQL's spellings of the same operations, as libpg-query parses them:
//   CREATE FOREIGN TABLE name (…) SERVER parquet OPTIONS (location '…', partitioned_by 'y int, m int')
//   COPY … TO '…' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL n, ROW_GROUP_SIZE n, PARTITION_BY (a, b),
//     FILE_SIZE_BYTES n)
// mapped onto the statements of statements.ts so both spellings take one path.
import { DbError } from '../../catalog/index.js';
import { tokenize } from './lexer.js';
import { Cursor, columnDefs, type ColumnDef, type ExternalStatement, type ParquetCodecName } from './statements.js';

interface DefElem {
  kind: 'DefElem';
  defname: string;
  arg?: { kind: string; sval?: string; ival?: number; items?: { kind: string; sval?: string }[] };
  location?: number;
}

interface TypeNameNode {
  names?: { kind: string; sval?: string }[];
  location?: number;
}

export interface ForeignTableNode {
  kind: 'CreateForeignTableStmt';
  base: {
    relation: { schemaname?: string; relname: string };
    tableElts?: { kind: string; colname?: string; typeName?: TypeNameNode; location?: number }[];
    if_not_exists?: boolean;
  };
  servername: string;
  options?: DefElem[];
}

/** The server name Pyralog accepts for Parquet foreign tables (created implicitly). */
export const PARQUET_SERVER = 'parquet';

export function fromCreateForeignTable(n: ForeignTableNode): Extract<ExternalStatement, { kind: 'createExternalTable' }> {
  if (n.servername !== PARQUET_SERVER) throw new DbError('42704', `server "${n.servername}" does not exist`);
  let location: string | undefined;
  let partitionedBy: ColumnDef[] = [];
  for (const o of n.options ?? []) {
    const value = o.arg?.sval;
    switch (o.defname) {
      case 'location':
        if (value === undefined) throw new DbError('22023', 'option "location" needs a string value');
        location = value;
        break;
      case 'partitioned_by': {
        if (value === undefined) throw new DbError('22023', 'option "partitioned_by" needs a string value');
        // The value is a column list in the same syntax as PARTITIONED BY (…).
        const text = `(${value})`;
        const c = new Cursor(tokenize(text), text);
        partitionedBy = columnDefs(c);
        c.end();
        break;
      }
      case 'format':
        if ((value ?? '').toLowerCase() !== 'parquet') throw new DbError('0A000', `external table format "${value ?? ''}" is not supported`);
        break;
      default:
        throw new DbError('HV00D', `invalid option "${o.defname}"`, { hint: 'Valid options in this context are: location, partitioned_by, format' });
    }
  }
  if (location === undefined) throw new DbError('HV00L', 'option "location" is required for a Parquet foreign table');
  const cols = (n.base.tableElts ?? []).filter((e) => e.kind === 'ColumnDef');
  const columns: ColumnDef[] | undefined =
    cols.length === 0
      ? undefined
      : cols.map((e) => ({
          name: e.colname ?? '',
          typeText: (e.typeName?.names ?? []).map((x) => x.sval ?? '').filter((x) => x !== 'pg_catalog').join('.'),
          typeName: e.typeName,
          pos: (e.location ?? 0) + 1,
        }));
  return {
    kind: 'createExternalTable',
    name: { schema: n.base.relation.schemaname, name: n.base.relation.relname },
    ifNotExists: n.base.if_not_exists === true,
    columns,
    format: 'parquet',
    location,
    partitionedBy,
  };
}

export interface ParquetCopyOptionsPg {
  codec: ParquetCodecName;
  level: number | undefined;
  rowGroupSize: number | undefined;
  partitionBy: string[] | undefined;
  fileSizeBytes: number | undefined;
}

const CODECS: readonly ParquetCodecName[] = ['zstd', 'snappy', 'gzip', 'lz4', 'brotli', 'uncompressed'];

/** COPY's option list → Parquet options, or undefined when FORMAT is not parquet (not ours). */
export function parquetCopyOptions(options: readonly DefElem[]): ParquetCopyOptionsPg | undefined {
  const fmt = options.find((o) => o.defname === 'format');
  if ((fmt?.arg?.sval ?? '').toLowerCase() !== 'parquet') return undefined;
  const out: ParquetCopyOptionsPg = { codec: 'zstd', level: undefined, rowGroupSize: undefined, partitionBy: undefined, fileSizeBytes: undefined };
  const int = (o: DefElem): number => {
    // Integers past int4 come from the parser as Float nodes holding the digits.
    const v = o.arg?.kind === 'Integer' ? o.arg.ival ?? 0 : o.arg?.kind === 'Float' && /^\d+$/.test(o.arg.sval ?? '') ? Number(o.arg.sval) : Number.NaN;
    if (!Number.isSafeInteger(v) || v < 1) throw new DbError('22023', `${o.defname.toUpperCase()} requires a positive integer`);
    return v;
  };
  for (const o of options) {
    switch (o.defname) {
      case 'format':
        break;
      case 'compression': {
        const v = (o.arg?.sval ?? '').toLowerCase();
        if (!(CODECS as readonly string[]).includes(v)) throw new DbError('22023', `COPY compression "${v}" is not recognized`);
        out.codec = v as ParquetCodecName;
        break;
      }
      case 'compression_level':
        out.level = int(o);
        break;
      case 'row_group_size':
        out.rowGroupSize = int(o);
        break;
      case 'file_size_bytes':
        out.fileSizeBytes = int(o);
        break;
      case 'partition_by':
        out.partitionBy = (o.arg?.items ?? (o.arg?.sval !== undefined ? [o.arg] : [])).map((x) => x.sval ?? '');
        if (out.partitionBy.length === 0) throw new DbError('22023', 'PARTITION_BY requires a column list');
        break;
      default:
        throw new DbError('42601', `option "${o.defname}" not recognized`);
    }
  }
  if (out.level !== undefined && out.codec !== 'zstd') throw new DbError('22023', `COPY compression "${out.codec}" does not take a level`);
  if (out.fileSizeBytes !== undefined && out.partitionBy !== undefined) {
    throw new DbError('0A000', 'COPY to Parquet cannot combine FILE_SIZE_BYTES with PARTITION_BY', { hint: 'Use one of them.' });
  }
  return out;
}
