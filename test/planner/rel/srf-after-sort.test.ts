// Set-returning functions in the select list run after ORDER BY when no sort key reads them
// (PostgreSQL's make_sort_input_target: ProjectSet above Sort, and above DISTINCT ON's Unique;
// LIMIT above the ProjectSet). Visible in which row raises an error first and in DISTINCT ON
// picking input rows rather than expanded ones. Expected rows and errors recorded from
// PostgreSQL 15.20 (psql -At).
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE rs (v text, k int PRIMARY KEY)",
  "INSERT INTO rs VALUES ('hello', 2), ('HELLO', 1), ('abc', 3)",
];

const QUERIES: Recorded = [
  // The flags argument is the row's own text: the first row evaluated names the bad flag.
  ["SELECT regexp_matches(v, 'h.*', v) FROM rs ORDER BY k", ['ERROR 22023 invalid regular expression option: "H"']],
  ["SELECT regexp_matches(v, 'h.*', v) FROM rs ORDER BY k DESC", ['ERROR 22023 invalid regular expression option: "a"']],
  ["SELECT DISTINCT ON (k) k, generate_series(1, 2) FROM rs ORDER BY k", ["1|1", "1|2", "2|1", "2|2", "3|1", "3|2"]],
  ["SELECT DISTINCT ON (k % 2) k, generate_series(1, 2) FROM rs ORDER BY k % 2, k", ["2|1", "2|2", "1|1", "1|2"]],
  // Without ORDER BY, DISTINCT ON's sort does not postpone the ProjectSet (Unique over Sort over ProjectSet).
  ["SELECT DISTINCT ON (k) k, generate_series(1, 2) FROM rs", ["1|1", "2|1", "3|1"]],
  // A sort key that is a set-returning call keeps the ProjectSet below the Sort.
  ["SELECT k, generate_series(1, k) g FROM rs ORDER BY g DESC, k LIMIT 4", ["3|3", "2|2", "3|2", "1|1"]],
  ["SELECT k, generate_series(1, 2) FROM rs ORDER BY k LIMIT 3", ["1|1", "1|2", "2|1"]],
  ["SELECT k, generate_series(1, 2) FROM rs ORDER BY k LIMIT 3 OFFSET 2", ["2|1", "2|2", "3|1"]],
  ["SELECT count(*), generate_series(1, 2) FROM rs GROUP BY k % 2 ORDER BY k % 2", ["1|1", "1|2", "2|1", "2|2"]],
  ["SELECT DISTINCT k % 2, generate_series(1, 2) FROM rs ORDER BY 1, 2", ["0|1", "0|2", "1|1", "1|2"]],
];

describeRecorded('select-list set-returning functions after ORDER BY agree with PostgreSQL 15', SETUP, QUERIES);
