// PostgreSQL's spellings (CREATE FOREIGN TABLE … SERVER parquet OPTIONS, COPY … (FORMAT parquet, …))
// parsed by the real libpg-query and mapped onto Pyralog's statements.
import { describe, it, expect, beforeAll } from 'vitest';
import { DbError } from '../../catalog/index.js';
import { loadParser, parseStatements } from '../../planner/parse/parser.js';
import { fromCreateForeignTable, parquetCopyOptions, parseExternalStatement, type ForeignTableNode } from '../../planner/external/index.js';

beforeAll(async () => {
  await loadParser();
});

const ast = (sql: string) => parseStatements(sql)[0]!.ast as unknown;
function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as DbError).code;
  }
  return 'ok';
}

describe('CREATE FOREIGN TABLE … SERVER parquet', () => {
  it('maps to the same statement as CREATE EXTERNAL TABLE', () => {
    const pg = fromCreateForeignTable(ast("CREATE FOREIGN TABLE IF NOT EXISTS s.f (a int, b numeric(12,2)) SERVER parquet OPTIONS (location '/data/x', partitioned_by 'year int, month int')") as ForeignTableNode);
    const ours = parseExternalStatement("CREATE EXTERNAL TABLE IF NOT EXISTS s.f (a int4, b numeric) STORED AS PARQUET LOCATION '/data/x' PARTITIONED BY (year int, month int)");
    expect({ ...pg, columns: pg.columns!.map((c) => c.name), partitionedBy: pg.partitionedBy.map((c) => [c.name, c.typeText]) }).toEqual({
      ...ours,
      columns: ['a', 'b'],
      partitionedBy: [['year', 'int'], ['month', 'int']],
    });
    expect(pg.columns![1]!.typeName).toMatchObject({ names: [{ sval: 'pg_catalog' }, { sval: 'numeric' }] });
  });

  it('errors: unknown server, missing location, unknown option', () => {
    expect(code(() => fromCreateForeignTable(ast("CREATE FOREIGN TABLE f (a int) SERVER other OPTIONS (location '/x')") as ForeignTableNode))).toBe('42704');
    expect(code(() => fromCreateForeignTable(ast('CREATE FOREIGN TABLE f (a int) SERVER parquet') as ForeignTableNode))).toBe('HV00L');
    expect(code(() => fromCreateForeignTable(ast("CREATE FOREIGN TABLE f (a int) SERVER parquet OPTIONS (location '/x', color 'red')") as ForeignTableNode))).toBe('HV00D');
    expect(code(() => fromCreateForeignTable(ast("CREATE FOREIGN TABLE f (a int) SERVER parquet OPTIONS (location '/x', partitioned_by 'year')") as ForeignTableNode))).toBe('42601');
  });
});

describe('COPY … (FORMAT parquet, …)', () => {
  const opts = (sql: string) => parquetCopyOptions((ast(sql) as { options: never[] }).options);

  it('maps the options; other formats are not ours', () => {
    expect(opts("COPY (SELECT 1) TO '/x.parquet' (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 3, ROW_GROUP_SIZE 100, PARTITION_BY (a, b))")).toEqual({
      codec: 'zstd',
      level: 3,
      rowGroupSize: 100,
      partitionBy: ['a', 'b'],
    });
    expect(opts("COPY t TO '/x.parquet' (FORMAT parquet)")).toEqual({ codec: 'zstd', level: undefined, rowGroupSize: undefined, partitionBy: undefined });
    expect(opts("COPY t TO '/x.csv' (FORMAT csv)")).toBeUndefined();
    expect(code(() => opts("COPY t TO '/x' (FORMAT parquet, COMPRESSION zip)"))).toBe('22023');
    expect(code(() => opts("COPY t TO '/x' (FORMAT parquet, COMPRESSION snappy, COMPRESSION_LEVEL 3)"))).toBe('22023');
    expect(code(() => opts("COPY t TO '/x' (FORMAT parquet, HEADER true)"))).toBe('42601');
  });
});
