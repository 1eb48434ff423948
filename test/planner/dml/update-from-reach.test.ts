// UPDATE … FROM and DELETE … USING items cannot see the target table unless the item is
// LATERAL-free and names it through its own FROM entry: PostgreSQL 15 says "column … does not
// exist" (with a hint) for a bare column and "invalid reference to FROM-clause entry" for a
// qualified one (42P01) or inside LATERAL (42P10). Recorded from PostgreSQL 15.
import { describeRecorded, type Recorded } from '../rel/recorded.js';

const SETUP = [
  'CREATE TABLE xx1 (x1 int, x2 int)',
  'INSERT INTO xx1 VALUES (1,-1),(2,-2)',
  'CREATE TABLE i4 (f1 int)',
  'INSERT INTO i4 VALUES (1),(5)',
];

const QUERIES: Recorded = [
  ['update xx1 set x2 = f1 from (select * from i4 where f1 = x1) ss', ['ERROR 42703 column "x1" does not exist']],
  ['update xx1 set x2 = f1 from (select * from i4 where f1 = xx1.x1) ss', ['ERROR 42P01 invalid reference to FROM-clause entry for table "xx1"']],
  ['update xx1 set x2 = f1 from lateral (select * from i4 where f1 = x1) ss', ['ERROR 42P10 invalid reference to FROM-clause entry for table "xx1"']],
  ['delete from xx1 using (select * from i4 where f1 = x1) ss', ['ERROR 42703 column "x1" does not exist']],
  ['delete from xx1 using lateral (select * from i4 where f1 = x1) ss', ['ERROR 42P10 invalid reference to FROM-clause entry for table "xx1"']],
  ['delete from xx1 using lateral (select * from i4 where f1 = xx1.x1) ss', ['ERROR 42P10 invalid reference to FROM-clause entry for table "xx1"']],
  ['update xx1 set x2 = f1 from xx1 AS xx2, lateral (select * from i4 where f1 = xx2.x1) ss', []],
  ['select * from xx1 order by 1', ['1|1', '2|1']],
];

describeRecorded('UPDATE FROM / DELETE USING reach agrees with PostgreSQL 15', SETUP, QUERIES);
