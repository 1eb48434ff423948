// psql's \d family end to end: the real `psql` binary (PostgreSQL 15's client) against the server
// over TCP, output compared with what PostgreSQL 15 printed for the same DDL (recorded with
// psql 15.20 against a fresh PostgreSQL 15 database). The row queries check pg_class,
// pg_attribute, pg_type and pg_index facts the same way (recorded with `psql -A -t -F'|'`).
import { describePsqlAgainstPostgres } from './psql-oracle.js';

const DDL = "CREATE TABLE t (id integer PRIMARY KEY, name varchar(20) NOT NULL, score numeric(10,2) DEFAULT 0, note text UNIQUE);\nCREATE TABLE u (a bigint, b text);\nCREATE VIEW v AS SELECT a FROM u;\nCREATE SEQUENCE s;\nCREATE TABLE ser (id serial PRIMARY KEY, x int);\nCREATE SCHEMA other;\nCREATE TABLE other.hidden (k int);\nCREATE INDEX u_a ON u (a);\n";

/** psql's output for each meta-command on PostgreSQL 15. */
const EXPECTED: Record<string, string> = {
  "\\d": "             List of relations\n Schema |    Name    |   Type   |  Owner   \n--------+------------+----------+----------\n public | s          | sequence | postgres\n public | ser        | table    | postgres\n public | ser_id_seq | sequence | postgres\n public | t          | table    | postgres\n public | u          | table    | postgres\n public | v          | view     | postgres\n(6 rows)\n\n",
  "\\dt": "        List of relations\n Schema | Name | Type  |  Owner   \n--------+------+-------+----------\n public | ser  | table | postgres\n public | t    | table | postgres\n public | u    | table | postgres\n(3 rows)\n\n",
  "\\dn": "      List of schemas\n  Name  |       Owner       \n--------+-------------------\n other  | postgres\n public | pg_database_owner\n(2 rows)\n\n",
  "\\dt other.*": "         List of relations\n Schema |  Name  | Type  |  Owner   \n--------+--------+-------+----------\n other  | hidden | table | postgres\n(1 row)\n\n",
  "\\di": "               List of relations\n Schema |    Name    | Type  |  Owner   | Table \n--------+------------+-------+----------+-------\n public | ser_pkey   | index | postgres | ser\n public | t_note_key | index | postgres | t\n public | t_pkey     | index | postgres | t\n public | u_a        | index | postgres | u\n(4 rows)\n\n",
  "\\dv": "        List of relations\n Schema | Name | Type |  Owner   \n--------+------+------+----------\n public | v    | view | postgres\n(1 row)\n\n",
  "\\ds": "             List of relations\n Schema |    Name    |   Type   |  Owner   \n--------+------------+----------+----------\n public | s          | sequence | postgres\n public | ser_id_seq | sequence | postgres\n(2 rows)\n\n",
  // \d <table> (tables without FOREIGN KEYs: psql sends pg_partition_ancestors, a set-returning
  // function in a target list, only when relhastriggers; CHECK constraints are not in pg_constraint yet)
  "\\d t": "                        Table \"public.t\"\n Column |         Type          | Collation | Nullable | Default \n--------+-----------------------+-----------+----------+---------\n id     | integer               |           | not null | \n name   | character varying(20) |           | not null | \n score  | numeric(10,2)         |           |          | 0\n note   | text                  |           |          | \nIndexes:\n    \"t_pkey\" PRIMARY KEY, btree (id)\n    \"t_note_key\" UNIQUE CONSTRAINT, btree (note)\n\n",
  "\\d u": "                 Table \"public.u\"\n Column |  Type  | Collation | Nullable | Default \n--------+--------+-----------+----------+---------\n a      | bigint |           |          | \n b      | text   |           |          | \nIndexes:\n    \"u_a\" btree (a)\n\n",
  "\\d ser": "                            Table \"public.ser\"\n Column |  Type   | Collation | Nullable |             Default             \n--------+---------+-----------+----------+---------------------------------\n id     | integer |           | not null | nextval('ser_id_seq'::regclass)\n x      | integer |           |          | \nIndexes:\n    \"ser_pkey\" PRIMARY KEY, btree (id)\n\n",
  "\\d other.hidden": "               Table \"other.hidden\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n k      | integer |           |          | \n\n"
};

/** Catalog queries (left) and PostgreSQL 15's unaligned, tuples-only output (right). */
const ROW_QUERIES: Record<string, [string, string]> = {
  "pg_class": [
    "select c.relname, c.relkind, c.relam, c.relnatts, c.relhasindex, c.relchecks, c.relhasrules, c.relreplident, c.relpersistence, c.reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('public','other') order by 1",
    "hidden|r|2|1|f|0|f|d|p|-1\ns|S|0|3|f|0|f|n|p|1\nser|r|2|2|t|0|f|d|p|-1\nser_id_seq|S|0|3|f|0|f|n|p|1\nser_pkey|i|403|1|f|0|f|n|p|0\nt|r|2|4|t|0|f|d|p|-1\nt_note_key|i|403|1|f|0|f|n|p|0\nt_pkey|i|403|1|f|0|f|n|p|0\nu|r|2|2|t|0|f|d|p|-1\nu_a|i|403|1|f|0|f|n|p|0\nv|v|0|1|f|0|t|n|p|-1\n"
  ],
  "pg_attribute": [
    "select a.attname, a.atttypid, a.attlen, a.attnum, a.atttypmod, a.attnotnull, a.atthasdef, a.attalign, a.attstorage, a.attcollation, a.attidentity, a.attisdropped from pg_attribute a join pg_class c on c.oid = a.attrelid where c.relname = 't' and a.attnum > 0 order by a.attnum",
    "id|23|4|1|-1|t|f|i|p|0||f\nname|1043|-1|2|24|t|f|i|x|100||f\nscore|1700|-1|3|655366|f|t|i|m|0||f\nnote|25|-1|4|-1|f|f|i|x|100||f\n"
  ],
  "pg_type": [
    "select t.oid, t.typname, t.typlen, t.typbyval, t.typtype, t.typcategory, t.typelem, t.typarray, t.typalign, t.typstorage, t.typcollation from pg_type t where t.typname in ('int4','text','_int4','numeric','name','varchar','bool') order by t.oid",
    "16|bool|1|t|b|B|0|1000|c|p|0\n19|name|64|f|b|S|18|1003|c|p|950\n23|int4|4|t|b|N|0|1007|i|p|0\n25|text|-1|f|b|S|0|1009|i|x|100\n1007|_int4|-1|f|b|A|23|0|i|x|0\n1043|varchar|-1|f|b|S|0|1015|i|x|100\n1700|numeric|-1|f|b|N|0|1231|i|m|0\n"
  ],
  "pg_index": [
    "select c.relname, i.indnatts, i.indisunique, i.indisprimary, i.indkey::int2[]::text as indkey from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid join pg_namespace n on n.oid=t.relnamespace where n.nspname='public' order by 1",
    "ser_pkey|1|t|t|[0:0]={1}\nt_note_key|1|t|f|[0:0]={4}\nt_pkey|1|t|t|[0:0]={1}\nu_a|1|f|f|[0:0]={1}\n"
  ],
  // The casts psql's \d <table> queries make (c.oid::pg_catalog.regclass, ::regnamespace) and
  // pg_relation_is_publishable: names unqualified only when visible on the search_path.
  "regclass": [
    "select c.relname, c.oid::pg_catalog.regclass, pg_catalog.pg_relation_is_publishable(c.oid), c.relnamespace::pg_catalog.regnamespace, (pg_catalog.quote_ident(n.nspname) || '.' || c.relname)::pg_catalog.regclass::pg_catalog.oid = c.oid from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace where n.nspname in ('public','other') order by 1",
    "hidden|other.hidden|t|other|t\ns|s|f|public|t\nser|ser|t|public|t\nser_id_seq|ser_id_seq|f|public|t\nser_pkey|ser_pkey|f|public|t\nt|t|t|public|t\nt_note_key|t_note_key|f|public|t\nt_pkey|t_pkey|f|public|t\nu|u|t|public|t\nu_a|u_a|f|public|t\nv|v|f|public|t\n"
  ],
  // pg_roles as initdb leaves it (psql's \d <table> policy query reads it), named alike by pg_get_userbyid.
  "pg_roles": [
    "select r.rolname, r.rolsuper, r.rolinherit, r.rolcanlogin, r.rolconnlimit, r.rolpassword, r.rolbypassrls, r.oid, pg_catalog.pg_get_userbyid(r.oid) = r.rolname, pg_catalog.pg_get_statisticsobjdef_columns(r.oid) is null from pg_catalog.pg_roles r order by r.oid",
    "postgres|t|t|t|-1|********|t|10|t|t\npg_monitor|f|t|f|-1|********|f|3373|t|t\npg_read_all_settings|f|t|f|-1|********|f|3374|t|t\npg_read_all_stats|f|t|f|-1|********|f|3375|t|t\npg_stat_scan_tables|f|t|f|-1|********|f|3377|t|t\npg_signal_backend|f|t|f|-1|********|f|4200|t|t\npg_checkpoint|f|t|f|-1|********|f|4544|t|t\npg_read_server_files|f|t|f|-1|********|f|4569|t|t\npg_write_server_files|f|t|f|-1|********|f|4570|t|t\npg_execute_server_program|f|t|f|-1|********|f|4571|t|t\npg_database_owner|f|t|f|-1|********|f|6171|t|t\npg_read_all_data|f|t|f|-1|********|f|6181|t|t\npg_write_all_data|f|t|f|-1|********|f|6182|t|t\n"
  ],
  // No triggers in this DDL (PostgreSQL's internal RI triggers come only with FOREIGN KEYs).
  "pg_trigger": [
    "select count(*), pg_catalog.pg_get_triggerdef(0) is null, pg_catalog.pg_get_triggerdef(0, true) is null from pg_catalog.pg_trigger",
    "0|t|t\n"
  ]
};

describePsqlAgainstPostgres('psql \\d against pg_catalog', DDL, EXPECTED, ROW_QUERIES);
