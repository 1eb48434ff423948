// psql's `\d` on tables with FOREIGN KEYs (both directions), whose queries call
// pg_partition_ancestors (planner/funcs/pg-partition.ts): the real psql against the server,
// compared with what PostgreSQL 15 printed for the same DDL (psql 15.20, fresh database).
import { describePsqlAgainstPostgres } from './psql-oracle.js';

const DDL = "CREATE TABLE p (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x');\nCREATE TABLE c (id serial PRIMARY KEY, pid int REFERENCES p(id) ON DELETE CASCADE, v numeric(10,2), UNIQUE (pid, v));\nCREATE TABLE gc (k int, cid int, FOREIGN KEY (cid) REFERENCES c(id) ON UPDATE SET NULL);";

const EXPECTED: Record<string, string> = {
  "\\d c": "                               Table \"public.c\"\n Column |     Type      | Collation | Nullable |            Default            \n--------+---------------+-----------+----------+-------------------------------\n id     | integer       |           | not null | nextval('c_id_seq'::regclass)\n pid    | integer       |           |          | \n v      | numeric(10,2) |           |          | \nIndexes:\n    \"c_pkey\" PRIMARY KEY, btree (id)\n    \"c_pid_v_key\" UNIQUE CONSTRAINT, btree (pid, v)\nForeign-key constraints:\n    \"c_pid_fkey\" FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE\nReferenced by:\n    TABLE \"gc\" CONSTRAINT \"gc_cid_fkey\" FOREIGN KEY (cid) REFERENCES c(id) ON UPDATE SET NULL\n\n",
  "\\d p": "                  Table \"public.p\"\n Column |  Type   | Collation | Nullable |  Default  \n--------+---------+-----------+----------+-----------\n id     | integer |           | not null | \n name   | text    |           | not null | 'x'::text\nIndexes:\n    \"p_pkey\" PRIMARY KEY, btree (id)\nReferenced by:\n    TABLE \"c\" CONSTRAINT \"c_pid_fkey\" FOREIGN KEY (pid) REFERENCES p(id) ON DELETE CASCADE\n\n",
  "\\d gc": "                 Table \"public.gc\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n k      | integer |           |          | \n cid    | integer |           |          | \nForeign-key constraints:\n    \"gc_cid_fkey\" FOREIGN KEY (cid) REFERENCES c(id) ON UPDATE SET NULL\n\n"
};

const ROW_QUERIES: Record<string, [string, string]> = {
  // No relation is in a partition tree: no ancestors, whatever the relkind.
  pg_partition_ancestors: [
    "select x, (select count(*) from pg_catalog.pg_partition_ancestors(x)) from (values ($$c$$::regclass), ($$c_id_seq$$::regclass), ($$c_pkey$$::regclass)) v(x) order by x::text",
    "c|0\nc_id_seq|0\nc_pkey|0\n",
  ],
};

describePsqlAgainstPostgres('psql \\d with foreign keys', DDL, EXPECTED, ROW_QUERIES);
