// PostgreSQL 15's own system-catalog constraints (catalog/schema/system-constraints.ts, generated
// from a real PostgreSQL 15) as pg_constraint, pg_get_constraintdef and the information_schema
// constraint views show them. Expected rows recorded from PostgreSQL 15.20 (psql -At).
import { describeRecorded, type Recorded } from '../../planner/rel/recorded.js';

const QUERIES: Recorded = [
  ["select oid, conname, contype, conindid, conkey, pg_get_constraintdef(oid) from pg_constraint where conrelid = 'pg_class'::regclass order by oid",
    ["10121|pg_class_oid_index|p|2662|{1}|PRIMARY KEY (oid)", "10122|pg_class_relname_nsp_index|u|2663|{2,3}|UNIQUE (relname, relnamespace)"]],
  ["select count(*) from information_schema.table_constraints where table_schema = 'pg_catalog'", ["613"]],
  ["select count(*) from information_schema.key_column_usage where table_schema = 'pg_catalog'", ["178"]],
  ["select constraint_type, count(*) from information_schema.table_constraints group by 1 ORDER BY 1", ["CHECK|504", "PRIMARY KEY|62", "UNIQUE|47"]],
  ["select count(*) from information_schema.constraint_column_usage where table_schema = 'pg_catalog'", ["178"]],
  ["select count(*) from information_schema.constraint_table_usage where table_schema = 'pg_catalog'", ["109"]],
  ["select table_name, column_name, ordinal_position from information_schema.key_column_usage where constraint_name = 'pg_attribute_relid_attnam_index' ORDER BY 3", ["pg_attribute|attrelid|1", "pg_attribute|attname|2"]],
];

describeRecorded('system-catalog constraints agree with PostgreSQL 15', [], QUERIES);
