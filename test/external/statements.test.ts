// Pyralog's own statements: CREATE/DROP EXTERNAL TABLE and the seed's COPY … FORMAT PARQUET.
import { describe, it, expect } from 'vitest';
import { DbError } from '../../catalog/index.js';
import { parseExternalStatement } from '../../planner/external/index.js';

function err(text: string): DbError {
  try {
    parseExternalStatement(text);
  } catch (e) {
    expect(e).toBeInstanceOf(DbError);
    return e as DbError;
  }
  throw new Error(`no error for ${text}`);
}

describe('parseExternalStatement', () => {
  it('leaves standard SQL alone (including PostgreSQL COPY spellings)', () => {
    for (const s of [
      'SELECT 1',
      'CREATE TABLE t (a int)',
      "COPY t TO '/x.parquet' (FORMAT parquet, COMPRESSION zstd)",
      'COPY t TO STDOUT',
      "COPY t FROM '/x.csv'",
      'DROP TABLE external',
      "CREATE FOREIGN TABLE f (a int) SERVER parquet OPTIONS (location '/x')",
    ]) {
      expect(parseExternalStatement(s)).toBeUndefined();
    }
  });

  it('CREATE EXTERNAL TABLE with discovered columns, declared columns and partitions', () => {
    expect(parseExternalStatement("CREATE EXTERNAL TABLE sales_history STORED AS PARQUET LOCATION '/data/sales/*.parquet';")).toEqual({
      kind: 'createExternalTable',
      name: { schema: undefined, name: 'sales_history' },
      ifNotExists: false,
      columns: undefined,
      format: 'parquet',
      location: '/data/sales/*.parquet',
      partitionedBy: [],
    });
    const s = parseExternalStatement(
      `create external table if not exists Public."Sales" (id bigint, amount numeric(12, 2), ts timestamp with time zone, "Note" varchar(20))
       stored as parquet location 'sales/' partitioned by (year int, month int) -- trailing comment`,
    );
    expect(s).toMatchObject({
      kind: 'createExternalTable',
      name: { schema: 'public', name: 'Sales' },
      ifNotExists: true,
      columns: [
        { name: 'id', typeText: 'bigint' },
        { name: 'amount', typeText: 'numeric(12, 2)' },
        { name: 'ts', typeText: 'timestamp with time zone' },
        { name: 'Note', typeText: 'varchar(20)' },
      ],
      location: 'sales/',
      partitionedBy: [
        { name: 'year', typeText: 'int' },
        { name: 'month', typeText: 'int' },
      ],
    });
    expect(parseExternalStatement("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION 'it''s'")).toMatchObject({ location: "it's" });
  });

  it('DROP EXTERNAL TABLE', () => {
    expect(parseExternalStatement('DROP EXTERNAL TABLE IF EXISTS a, s.b CASCADE')).toEqual({
      kind: 'dropExternalTable',
      names: [{ schema: undefined, name: 'a' }, { schema: 's', name: 'b' }],
      ifExists: true,
      behavior: 'cascade',
    });
  });

  it("the seed's COPY spelling", () => {
    expect(parseExternalStatement("COPY (SELECT * FROM events WHERE ts < now() - interval '30 days') TO '/data/archive/e.parquet' FORMAT PARQUET COMPRESSION ZSTD(level=3)")).toEqual({
      kind: 'copyToParquet',
      source: { kind: 'query', text: "SELECT * FROM events WHERE ts < now() - interval '30 days'" },
      target: '/data/archive/e.parquet',
      options: { codec: 'zstd', level: 3, rowGroupSize: undefined },
    });
    expect(parseExternalStatement("COPY events (id, ts) TO 'e.parquet' WITH FORMAT PARQUET COMPRESSION SNAPPY ROW_GROUP_SIZE 100000")).toEqual({
      kind: 'copyToParquet',
      source: { kind: 'table', name: { schema: undefined, name: 'events' }, columns: ['id', 'ts'] },
      target: 'e.parquet',
      options: { codec: 'snappy', level: undefined, rowGroupSize: 100000 },
    });
  });

  it('syntax errors carry PostgreSQL wording and positions', () => {
    const e = err("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATIO '/x'");
    expect([e.code, e.message, e.fields.position]).toEqual(['42601', 'syntax error at or near "LOCATIO"', 43]);
    const e2 = err('CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION');
    expect([e2.code, e2.message]).toEqual(['42601', 'syntax error at end of input']);
    expect(err("CREATE EXTERNAL TABLE t STORED AS ORC LOCATION '/x'").code).toBe('0A000');
    expect(err("CREATE EXTERNAL TABLE t (a int, a text) STORED AS PARQUET LOCATION '/x'").code).toBe('42701');
    expect(err("CREATE EXTERNAL TABLE t (a int) STORED AS PARQUET LOCATION '/x' PARTITIONED BY (a int)").code).toBe('42701');
    expect(err("COPY t TO 'x' FORMAT PARQUET COMPRESSION ZIP").code).toBe('22023');
    expect(err("COPY t TO 'x' FORMAT PARQUET COMPRESSION SNAPPY(level=3)").code).toBe('22023');
    expect(err("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/x").code).toBe('42601');
  });
});

describe('the SQL parser refuses our statements with 0A000 until they are wired in', () => {
  it('parseStatements: 0A000 for ours, libpg-query syntax errors for everything else', async () => {
    const { loadParser, parseStatements } = await import('../../planner/parse/parser.js');
    await loadParser();
    const code = (sql: string): [string, string] => {
      try {
        parseStatements(sql);
      } catch (e) {
        return [(e as DbError).code, (e as DbError).message];
      }
      return ['ok', ''];
    };
    expect(code("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATION '/x'")).toEqual(['0A000', 'CREATE EXTERNAL TABLE is not supported yet']);
    expect(code('DROP EXTERNAL TABLE t')).toEqual(['0A000', 'DROP EXTERNAL TABLE is not supported yet']);
    expect(code("COPY (SELECT 1) TO '/x.parquet' FORMAT PARQUET COMPRESSION ZSTD(level=3)")).toEqual(['0A000', 'COPY … FORMAT PARQUET is not supported yet']);
    expect(code("CREATE EXTERNAL TABLE t STORED AS PARQUET LOCATIO '/x'")).toEqual(['42601', 'syntax error at or near "LOCATIO"']);
    expect(code("COPY t TO '/x' FORMAT csv")).toEqual(['42601', 'syntax error at or near "FORMAT"']);
    expect(code('SELEC 1')).toEqual(['42601', 'syntax error at or near "SELEC"']);
    expect(code('SELECT 1')).toEqual(['ok', '']);
  });
});
