// CHECK constraints in the catalog, end to end with the real psql (PostgreSQL 15's client): \d's
// "Check constraints:" section (psql's own pg_constraint query with pg_get_constraintdef(oid,
// true)), pg_constraint's CHECK rows (conkey, pg_get_constraintdef pretty and not,
// pg_get_expr(conbin)), information_schema.check_constraints with PostgreSQL 15's NOT NULL rows,
// and pg_class.relchecks. Every expected text was recorded with psql 15.20 against a fresh
// PostgreSQL 15 database after the same DDL (OIDs left out: they differ between the systems).
import { describePsqlAgainstPostgres } from './psql-oracle.js';

const DDL = `create table ck(a int check (a>0), b text not null, constraint c2 check (b <> 'x' and a < 100));
create table ck2(a int, b int, c numeric check (c > 0.5 or c is null), check (a + b < 10), check (b between 1 and 5), check (a in (1,2,3)), check (not (a = 2 or b = 3) and a - (b - 1) > 0 and (a - b) - 1 > 0 and a * b + 1 > 0 and a + b * 2 > 0), check (a is distinct from b), check (coalesce(a, 0) >= 0 and lower(b::text) <> 'q'), check (a not in (7, 8)));
`;

const EXPECTED: Record<string, string> = {
  "\\d ck": "                 Table \"public.ck\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n a      | integer |           |          | \n b      | text    |           | not null | \nCheck constraints:\n    \"c2\" CHECK (b <> 'x'::text AND a < 100)\n    \"ck_a_check\" CHECK (a > 0)\n\n",
  "\\d ck2": "                Table \"public.ck2\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n a      | integer |           |          | \n b      | integer |           |          | \n c      | numeric |           |          | \nCheck constraints:\n    \"ck2_a_check\" CHECK (a = ANY (ARRAY[1, 2, 3]))\n    \"ck2_a_check1\" CHECK (a <> ALL (ARRAY[7, 8]))\n    \"ck2_b_check\" CHECK (b >= 1 AND b <= 5)\n    \"ck2_c_check\" CHECK (c > 0.5 OR c IS NULL)\n    \"ck2_check\" CHECK ((a + b) < 10)\n    \"ck2_check1\" CHECK (NOT (a = 2 OR b = 3) AND (a - (b - 1)) > 0 AND (a - b - 1) > 0 AND (a * b + 1) > 0 AND (a + b * 2) > 0)\n    \"ck2_check2\" CHECK (a IS DISTINCT FROM b)\n    \"ck2_check3\" CHECK (COALESCE(a, 0) >= 0 AND lower(b::text) <> 'q'::text)\n\n"
};

const ROW_QUERIES: Record<string, [string, string]> = {
  "pg_constraint": [
    "select conname, contype, conkey, convalidated, connoinherit, condeferrable, conindid, confrelid, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true), pg_get_expr(conbin, conrelid) from pg_constraint where conrelid in ('ck'::regclass, 'ck2'::regclass) order by 1",
    "c2|c|{2,1}|t|f|f|0|0|CHECK (((b <> 'x'::text) AND (a < 100)))|CHECK (b <> 'x'::text AND a < 100)|((b <> 'x'::text) AND (a < 100))\nck2_a_check|c|{1}|t|f|f|0|0|CHECK ((a = ANY (ARRAY[1, 2, 3])))|CHECK (a = ANY (ARRAY[1, 2, 3]))|(a = ANY (ARRAY[1, 2, 3]))\nck2_a_check1|c|{1}|t|f|f|0|0|CHECK ((a <> ALL (ARRAY[7, 8])))|CHECK (a <> ALL (ARRAY[7, 8]))|(a <> ALL (ARRAY[7, 8]))\nck2_b_check|c|{2}|t|f|f|0|0|CHECK (((b >= 1) AND (b <= 5)))|CHECK (b >= 1 AND b <= 5)|((b >= 1) AND (b <= 5))\nck2_c_check|c|{3}|t|f|f|0|0|CHECK (((c > 0.5) OR (c IS NULL)))|CHECK (c > 0.5 OR c IS NULL)|((c > 0.5) OR (c IS NULL))\nck2_check|c|{1,2}|t|f|f|0|0|CHECK (((a + b) < 10))|CHECK ((a + b) < 10)|((a + b) < 10)\nck2_check1|c|{1,2}|t|f|f|0|0|CHECK (((NOT ((a = 2) OR (b = 3))) AND ((a - (b - 1)) > 0) AND (((a - b) - 1) > 0) AND (((a * b) + 1) > 0) AND ((a + (b * 2)) > 0)))|CHECK (NOT (a = 2 OR b = 3) AND (a - (b - 1)) > 0 AND (a - b - 1) > 0 AND (a * b + 1) > 0 AND (a + b * 2) > 0)|((NOT ((a = 2) OR (b = 3))) AND ((a - (b - 1)) > 0) AND (((a - b) - 1) > 0) AND (((a * b) + 1) > 0) AND ((a + (b * 2)) > 0))\nck2_check2|c|{1,2}|t|f|f|0|0|CHECK ((a IS DISTINCT FROM b))|CHECK (a IS DISTINCT FROM b)|(a IS DISTINCT FROM b)\nck2_check3|c|{1,2}|t|f|f|0|0|CHECK (((COALESCE(a, 0) >= 0) AND (lower((b)::text) <> 'q'::text)))|CHECK (COALESCE(a, 0) >= 0 AND lower(b::text) <> 'q'::text)|((COALESCE(a, 0) >= 0) AND (lower((b)::text) <> 'q'::text))\nck_a_check|c|{1}|t|f|f|0|0|CHECK ((a > 0))|CHECK (a > 0)|(a > 0)\n"
  ],
  "check_constraints": [
    "select constraint_name, check_clause from information_schema.check_constraints where constraint_schema = 'public' and constraint_name not like '%not_null' order by 1",
    "c2|(((b <> 'x'::text) AND (a < 100)))\nck2_a_check|((a = ANY (ARRAY[1, 2, 3])))\nck2_a_check1|((a <> ALL (ARRAY[7, 8])))\nck2_b_check|(((b >= 1) AND (b <= 5)))\nck2_c_check|(((c > 0.5) OR (c IS NULL)))\nck2_check|(((a + b) < 10))\nck2_check1|(((NOT ((a = 2) OR (b = 3))) AND ((a - (b - 1)) > 0) AND (((a - b) - 1) > 0) AND (((a * b) + 1) > 0) AND ((a + (b * 2)) > 0)))\nck2_check2|((a IS DISTINCT FROM b))\nck2_check3|(((COALESCE(a, 0) >= 0) AND (lower((b)::text) <> 'q'::text)))\nck_a_check|((a > 0))\n"
  ],
  "not_null": [
    "select check_clause, constraint_name ~ '^2200_[0-9]+_2_not_null$' from information_schema.check_constraints where constraint_schema = 'public' and constraint_name like '%not_null'",
    "b IS NOT NULL|t\n"
  ],
  "table_constraints": [
    "select constraint_name, constraint_type from information_schema.table_constraints where table_name = 'ck' and constraint_name not like '%not_null' order by 1",
    "c2|CHECK\nck_a_check|CHECK\n"
  ],
  "pg_class": [
    "select relname, relchecks from pg_class where relname like 'ck%' order by 1",
    "ck|2\nck2|8\n"
  ]
};

describePsqlAgainstPostgres('CHECK constraints in pg_constraint, information_schema and \\d agree with PostgreSQL 15', DDL, EXPECTED, ROW_QUERIES);
