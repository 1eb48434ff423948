// The point-lookup path (planner/rel/scan.ts PointRow, pointResidual; ops.ts FilterRows /
// ProjectRows): a WHERE over a lone point get checks only the conjuncts the get does not
// guarantee, integer keys are range-checked without BigInt for number values, and the plain
// iterators that replaced the Filter/Project generators keep their lifecycle (lazy open, input
// closed at the end, on an error and on return()). Expected rows recorded from PostgreSQL 15.
import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../planner/bind/expr.js';
import { FilterNode, ProjectNode, type RelNode, type Row } from '../../../planner/rel/ops.js';
import { describeRecorded, type Recorded } from './recorded.js';

const SETUP = [
  "CREATE TABLE acc (aid int PRIMARY KEY, abalance int, note text)",
  "INSERT INTO acc VALUES (1, 10, 'one'), (2, -5, NULL), (3, 0, 'three'), (2147483647, 7, 'max')",
  "CREATE TABLE pair (a int2, b text, v int, PRIMARY KEY (a, b))",
  "INSERT INTO pair VALUES (1, 'x', 1), (1, 'y', 2), (2, 'x', 3), (32767, 'z', 4)",
  "CREATE TABLE big (k int8 PRIMARY KEY, v text)",
  "INSERT INTO big VALUES (1, 'a'), (9223372036854775807, 'max'), (-9223372036854775808, 'min')",
];

/** [query, rows as PostgreSQL 15 printed them, columns joined by '|', NULL as ''] */
const QUERIES: Recorded = [
  ["SELECT abalance FROM acc WHERE aid = 1",["10"]],
  ["SELECT abalance FROM acc WHERE aid = 1 AND abalance > 5",["10"]],
  ["SELECT abalance FROM acc WHERE aid = 2 AND abalance > 5",[]],
  ["SELECT aid FROM acc WHERE aid = 1 AND aid = 2",[]],
  ["SELECT aid FROM acc WHERE aid = 2 AND aid = 2",["2"]],
  ["SELECT note FROM acc WHERE aid = 2 AND note IS NULL",[""]],
  ["SELECT note FROM acc WHERE 1 = aid AND (note = 'one' OR abalance < 0)",["one"]],
  ["SELECT aid FROM acc WHERE aid = 2147483648",[]],
  ["SELECT aid FROM acc WHERE aid = 2147483647::int8",["2147483647"]],
  ["SELECT aid FROM acc WHERE aid = -2147483649",[]],
  ["SELECT aid FROM acc WHERE aid = NULL",[]],
  ["SELECT aid FROM acc WHERE aid = 3 AND false",[]],
  ["SELECT aid, abalance FROM acc WHERE aid = 3 AND abalance = 0 AND note LIKE 't%'",["3|0"]],
  ["SELECT v FROM pair WHERE a = 1 AND b = 'y'",["2"]],
  ["SELECT v FROM pair WHERE a = 32767 AND b = 'z' AND v = 4",["4"]],
  ["SELECT v FROM pair WHERE a = 32768 AND b = 'z'",[]],
  ["SELECT v FROM pair WHERE a = 1::int8 AND b = 'x' AND v > 1",[]],
  ["SELECT v FROM pair WHERE b = 'x' AND a = 2",["3"]],
  ["SELECT v FROM big WHERE k = 9223372036854775807",["max"]],
  ["SELECT v FROM big WHERE k = -9223372036854775808",["min"]],
  ["SELECT v FROM big WHERE k = 1::int2",["a"]],
  ["SELECT v FROM big WHERE k = 1 AND v = 'a'",["a"]],
  ["SELECT v FROM big WHERE k = 1 AND v <> 'a'",[]],
  ["SELECT count(*) FROM acc WHERE aid = 1",["1"]],
];

describeRecorded('point lookups agree with PostgreSQL 15', SETUP, QUERIES, (client) => {
  it('still evaluates the conjuncts the point get does not guarantee (division by zero)', async () => {
    // PostgreSQL 15: ERROR:  division by zero
    await expect(client().query('SELECT aid FROM acc WHERE aid = 1 AND abalance / 0 = 1')).rejects.toMatchObject({ code: '22012', message: 'division by zero' });
  });
  it('binds parameters of other integer types to the key column', async () => {
    const c = client();
    // Values as the wire codecs give them: int8 as bigint, int4/int2 as number (oids 20, 23, 21).
    expect((await c.query('SELECT abalance FROM acc WHERE aid = $1', [2147483647n], [20])).text).toEqual([['7']]);
    expect((await c.query('SELECT abalance FROM acc WHERE aid = $1', [2147483648n], [20])).text).toEqual([]);
    expect((await c.query('SELECT abalance FROM acc WHERE aid = $1', [-2147483649n], [20])).text).toEqual([]);
    expect((await c.query('SELECT v FROM big WHERE k = $1', [1], [23])).text).toEqual([['a']]);
    expect((await c.query('SELECT v FROM pair WHERE a = $1 AND b = $2', [-32769, 'x'], [23, 25])).text).toEqual([]);
    expect((await c.query('SELECT v FROM pair WHERE a = $1 AND b = $2', [32767, 'z'], [23, 25])).text).toEqual([['4']]);
    expect((await c.query('SELECT v FROM pair WHERE a = $1 AND b = $2', [32768, 'z'], [23, 25])).text).toEqual([]);
  });
});

const ctx = { cancel: { reason: undefined } } as unknown as EvalContext;

/** A leaf whose iterators record what happened to them. */
function leaf(rows: Row[], log: string[]): RelNode {
  return {
    width: 1,
    open(): Iterator<Row> {
      log.push('open');
      let i = 0;
      return {
        next: () => (i < rows.length ? { done: false, value: rows[i++]! } : { done: true, value: undefined }),
        return: () => {
          log.push('return');
          return { done: true, value: undefined };
        },
      };
    },
    describe: () => 'leaf',
  };
}

describe('FilterRows and ProjectRows keep the generators\' lifecycle', () => {
  for (const kind of ['filter', 'project'] as const) {
    const wrap = (input: RelNode, fail = false): RelNode =>
      kind === 'filter'
        ? new FilterNode(input, (r) => {
          if (fail) throw new Error('boom');
          return (r[0] as number) % 2 === 1;
        })
        : new ProjectNode(input, [(r) => {
          if (fail) throw new Error('boom');
          return (r[0] as number) * 10;
        }]);

    it(`${kind}: opens its input at the first next(), closes it at the end`, () => {
      const log: string[] = [];
      const it0 = wrap(leaf([[1], [2], [3]], log)).open(ctx);
      expect(log).toEqual([]);
      const out: unknown[] = [];
      for (let r = it0.next(); !r.done; r = it0.next()) out.push(r.value[0]);
      expect(out).toEqual(kind === 'filter' ? [1, 3] : [10, 20, 30]);
      expect(log).toEqual(['open', 'return']);
      expect(it0.next().done).toBe(true);
    });

    it(`${kind}: closes its input when an expression throws, and is finished after`, () => {
      const log: string[] = [];
      const it0 = wrap(leaf([[1], [2]], log), true).open(ctx);
      expect(() => it0.next()).toThrow('boom');
      expect(log).toEqual(['open', 'return']);
      expect(it0.next().done).toBe(true);
    });

    it(`${kind}: return() before the first next() never opens the input`, () => {
      const log: string[] = [];
      const it0 = wrap(leaf([[1]], log)).open(ctx);
      it0.return?.();
      expect(it0.next().done).toBe(true);
      expect(log).toEqual([]);
    });

    it(`${kind}: return() after a row closes the input`, () => {
      const log: string[] = [];
      const it0 = wrap(leaf([[1], [3]], log)).open(ctx);
      expect(it0.next().done).toBe(false);
      it0.return?.();
      expect(log).toEqual(['open', 'return']);
    });
  }

  it('a false one-time gate never opens the input', () => {
    const log: string[] = [];
    const it0 = new FilterNode(leaf([[1]], log), () => true, undefined, () => false).open(ctx);
    expect(it0.next().done).toBe(true);
    expect(log).toEqual([]);
  });
});
