// The pg_catalog relations over the live catalog (planner/funcs/pg-catalog*.ts over
// catalog/schema/pg-catalog.ts): the queries psql's \d sends and a few driver-style ones, with
// rows recorded from PostgreSQL 15.20 for the same DDL (`psql -A -t -F'|'`; NULL prints as '').
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient([
  "CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) NOT NULL, score numeric(10,2) DEFAULT 0, note text UNIQUE);",
  "CREATE TABLE ser (id serial PRIMARY KEY, x int DEFAULT 7, label text DEFAULT 'a''b');",
  "CREATE TABLE fkt (id int PRIMARY KEY, tid int REFERENCES t(id) ON DELETE CASCADE, tn text);",
  "CREATE UNIQUE INDEX fkt_tn ON fkt (tn);",
  "CREATE SCHEMA other;",
  "CREATE TABLE other.hidden (k int);"
]);

const rows = async (sql: string): Promise<string[]> =>
  (await client().query(sql)).text.map((r) => r.map((v) => v ?? '').join('|'));

/** Query and PostgreSQL 15's rows. */
const CASES: Array<[string, string[]]> = [
  [
    "SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true) FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef), a.attnotnull, (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation, a.attidentity, a.attgenerated FROM pg_catalog.pg_attribute a WHERE a.attrelid IN ((SELECT oid FROM pg_catalog.pg_class WHERE relname = 'ser'), (SELECT oid FROM pg_catalog.pg_class WHERE relname = 't')) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum",
    [
      "id|integer||t|||",
      "name|character varying(20)||t|||",
      "score|numeric(10,2)|0|f|||",
      "note|text||f|||",
      "id|integer|nextval('ser_id_seq'::regclass)|t|||",
      "x|integer|7|f|||",
      "label|text|'a''b'::text|f|||"
    ]
  ],
  [
    "SELECT c2.relname, i.indisprimary, i.indisunique, i.indisclustered, i.indisvalid, pg_catalog.pg_get_indexdef(i.indexrelid, 0, true), pg_catalog.pg_get_constraintdef(con.oid, true), contype, condeferrable, condeferred, i.indisreplident, c2.reltablespace FROM pg_catalog.pg_class c, pg_catalog.pg_class c2, pg_catalog.pg_index i LEFT JOIN pg_catalog.pg_constraint con ON (conrelid = i.indrelid AND conindid = i.indexrelid AND contype IN ('p','u','x')) WHERE c.oid IN ((SELECT oid FROM pg_catalog.pg_class WHERE relname = 't'), (SELECT oid FROM pg_catalog.pg_class WHERE relname = 'fkt')) AND c.oid = i.indrelid AND i.indexrelid = c2.oid ORDER BY i.indisprimary DESC, c2.relname",
    [
      "fkt_pkey|t|t|f|t|CREATE UNIQUE INDEX fkt_pkey ON fkt USING btree (id)|PRIMARY KEY (id)|p|f|f|f|0",
      "t_pkey|t|t|f|t|CREATE UNIQUE INDEX t_pkey ON t USING btree (id)|PRIMARY KEY (id)|p|f|f|f|0",
      "fkt_tn|f|t|f|t|CREATE UNIQUE INDEX fkt_tn ON fkt USING btree (tn)|||||f|0",
      "t_note_key|f|t|f|t|CREATE UNIQUE INDEX t_note_key ON t USING btree (note)|UNIQUE (note)|u|f|f|f|0"
    ]
  ],
  [
    "SELECT c.conname, c.contype, c.conkey::text, c.confkey::text, c.confupdtype, c.confdeltype, c.confmatchtype, c.convalidated, pg_catalog.pg_get_constraintdef(c.oid), r.relname, f.relname FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_class r ON r.oid = c.conrelid LEFT JOIN pg_catalog.pg_class f ON f.oid = c.confrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY 1",
    [
      "fkt_pkey|p|{1}|| | | |t|PRIMARY KEY (id)|fkt|",
      "fkt_tid_fkey|f|{2}|{1}|a|c|s|t|FOREIGN KEY (tid) REFERENCES t(id) ON DELETE CASCADE|fkt|t",
      "ser_pkey|p|{1}|| | | |t|PRIMARY KEY (id)|ser|",
      "t_note_key|u|{4}|| | | |t|UNIQUE (note)|t|",
      "t_pkey|p|{1}|| | | |t|PRIMARY KEY (id)|t|"
    ]
  ],
  [
    "SELECT c.relname, pg_catalog.pg_table_is_visible(c.oid), pg_catalog.pg_get_userbyid(c.relowner), n.nspname, pg_catalog.pg_get_userbyid(n.nspowner) FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN ('public', 'other') AND c.relkind = 'r' ORDER BY 1",
    [
      "fkt|t|postgres|public|pg_database_owner",
      "hidden|f|postgres|other|postgres",
      "ser|t|postgres|public|pg_database_owner",
      "t|t|postgres|public|pg_database_owner"
    ]
  ],
  [
    "SELECT pg_catalog.pg_get_indexdef(oid), pg_catalog.pg_get_indexdef(oid, 1, false) FROM pg_catalog.pg_class WHERE relname IN ('fkt_tn', 'ser_pkey') ORDER BY 1",
    [
      "CREATE UNIQUE INDEX fkt_tn ON public.fkt USING btree (tn)|tn",
      "CREATE UNIQUE INDEX ser_pkey ON public.ser USING btree (id)|id"
    ]
  ],
  [
    "SELECT oid, collname, collprovider, collcollate FROM pg_catalog.pg_collation WHERE oid IN (100, 950, 951) ORDER BY 1",
    [
      "100|default|d|",
      "950|C|c|C",
      "951|POSIX|c|POSIX"
    ]
  ],
  [
    "SELECT count(*) FROM pg_catalog.pg_inherits, pg_catalog.pg_description, pg_catalog.pg_policy, pg_catalog.pg_statistic_ext, pg_catalog.pg_publication, pg_catalog.pg_publication_rel, pg_catalog.pg_publication_namespace",
    [
      "0"
    ]
  ],
  [
    "SELECT amname, amtype FROM pg_am WHERE oid IN (2, 403) ORDER BY 1",
    [
      "btree|i",
      "heap|t"
    ]
  ]
];

describe('pg_catalog relations', () => {
  for (const [i, [query, want]] of CASES.entries()) {
    it(`query ${i + 1}: ${query.slice(0, 60)}`, async () => {
      expect(await rows(query)).toEqual(want);
    });
  }

  it('comment lookups find nothing, as pg_description is empty', async () => {
    expect(await rows("SELECT c.relname, pg_catalog.obj_description(c.oid, 'pg_class') IS NULL, pg_catalog.obj_description(c.oid) IS NULL, pg_catalog.col_description(c.oid, 1) IS NULL FROM pg_catalog.pg_class c WHERE c.relname = 't'")).toEqual(['t|t|t|t']);
  });

  it('the pg_catalog relations describe themselves and are found without a schema', async () => {
    expect(await rows("SELECT a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attcollation FROM pg_catalog.pg_attribute a WHERE a.attrelid = (SELECT oid FROM pg_class WHERE relname = 'pg_namespace') AND a.attnum BETWEEN 1 AND 3 ORDER BY 1"))
      .toEqual(['1|oid|oid|0', '2|nspname|name|950', '3|nspowner|oid|0']);
    expect(await rows('SELECT relname, relnamespace, pg_catalog.pg_table_is_visible(oid) FROM pg_class WHERE oid IN (1259, 1247) ORDER BY 1'))
      .toEqual(['pg_class|11|t', 'pg_type|11|t']);
  });

  it('pg_class is read-only (a view here)', async () => {
    await expect(client().query("DELETE FROM pg_catalog.pg_class")).rejects.toMatchObject({ code: '55000' });
  });
});
