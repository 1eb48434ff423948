// CHECK … NO INHERIT, CHECK … NOT VALID and FOREIGN KEY … NOT VALID end to end with the real
// psql (PostgreSQL 15's client): \d prints the suffixes pg_get_constraintdef(oid, true) gives (also
// in the referenced table's "Referenced by:"), and pg_constraint's convalidated / connoinherit
// agree. Expected texts recorded with psql 15.20 against a
// fresh PostgreSQL 15 database after the same DDL (a row violating the NOT VALID CHECK and the
// NOT VALID FOREIGN KEY stays in the table).
import { describePsqlAgainstPostgres } from './psql-oracle.js';

const DDL = `create table nvp(id int primary key);
create table nv(a int primary key, b int check (b > 0) no inherit);
insert into nv values (1, 100);
alter table nv add constraint nv_small check (b < 50) not valid, add constraint nv_fk foreign key (a) references nvp not valid;
`;

const EXPECTED: Record<string, string> = {
  '\\d nvp': "                Table \"public.nvp\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n id     | integer |           | not null | \nIndexes:\n    \"nvp_pkey\" PRIMARY KEY, btree (id)\nReferenced by:\n    TABLE \"nv\" CONSTRAINT \"nv_fk\" FOREIGN KEY (a) REFERENCES nvp(id) NOT VALID\n\n",
  '\\d nv': "                 Table \"public.nv\"\n Column |  Type   | Collation | Nullable | Default \n--------+---------+-----------+----------+---------\n a      | integer |           | not null | \n b      | integer |           |          | \nIndexes:\n    \"nv_pkey\" PRIMARY KEY, btree (a)\nCheck constraints:\n    \"nv_b_check\" CHECK (b > 0) NO INHERIT\n    \"nv_small\" CHECK (b < 50) NOT VALID\nForeign-key constraints:\n    \"nv_fk\" FOREIGN KEY (a) REFERENCES nvp(id) NOT VALID\n\n",
};

const ROW_QUERIES: Record<string, [string, string]> = {
  pg_constraint: [
    "select conname, contype, convalidated, connoinherit, pg_get_constraintdef(oid), pg_get_constraintdef(oid, true) from pg_constraint where conrelid = 'nv'::regclass order by 1",
    'nv_b_check|c|t|t|CHECK ((b > 0)) NO INHERIT|CHECK (b > 0) NO INHERIT\nnv_fk|f|f|t|FOREIGN KEY (a) REFERENCES nvp(id) NOT VALID|FOREIGN KEY (a) REFERENCES nvp(id) NOT VALID\nnv_pkey|p|t|t|PRIMARY KEY (a)|PRIMARY KEY (a)\nnv_small|c|f|f|CHECK ((b < 50)) NOT VALID|CHECK (b < 50) NOT VALID\n',
  ],
  rows: ['select * from nv', '1|100\n'],
};

describePsqlAgainstPostgres('NO INHERIT and NOT VALID constraints in \\d and pg_constraint agree with PostgreSQL 15', DDL, EXPECTED, ROW_QUERIES);
