// regexp_replace with start/N (PostgreSQL 15), regex error wording, and to_jsonb/jsonb_build_* of
// arrays; expected values recorded from PostgreSQL 15.20.
import { describe, expect, it } from 'vitest';
import { useClient } from '../../sql/harness.js';

const client = useClient();
const one = async (sql: string): Promise<Array<string | null>> => (await client().query(sql)).text[0]!;
const err = async (sql: string): Promise<[string, string]> => {
  const e = await client().error(sql);
  return [e.code, e.message];
};

describe('regexp_replace(source, pattern, replacement, start [, N [, flags]])', () => {
  it('replaces from start, the N-th match or all (N = 0)', async () => {
    expect(await one("SELECT regexp_replace('foobarbaz', 'b..', 'X', 1), regexp_replace('foobarbaz', 'b..', 'X', 5), regexp_replace('foobarbaz', 'b..', 'X', 1, 2), regexp_replace('foobarbaz', 'b..', 'X', 1, 0), regexp_replace('foobarbaz', 'b..', 'X', 2, 1, 'g'), regexp_replace('A PostgreSQL function', 'a|e|i|o|u', 'X', 1, 3, 'i'), regexp_replace('abc', 'b', 'X', 10)"))
      .toEqual(['fooXbaz', 'foobarX', 'foobarX', 'fooXX', 'fooXbaz', 'A PostgrXSQL function', 'abc']);
    expect(await one("SELECT regexp_replace('aaa', 'a', '\\&\\&', 2, 0), regexp_replace('abab', '^a', 'X', 3, 0), regexp_replace('abc', '', '-', 1, 0), regexp_replace('äbcäb', 'b', 'X', 3)"))
      .toEqual(['aaaaa', 'abab', '-a-b-c-', 'äbcäX']);
  });

  it('checks its arguments as PostgreSQL', async () => {
    expect(await err("SELECT regexp_replace('abc', 'b', 'X', 0)")).toEqual(['22023', 'invalid value for parameter "start": 0']);
    expect(await err("SELECT regexp_replace('abc', 'b', 'X', 1, -1)")).toEqual(['22023', 'invalid value for parameter "n": -1']);
    expect(await err("SELECT regexp_replace('foobarbaz', 'b..', 'X', 'g', 1)")).toEqual(['22P02', 'invalid input syntax for type integer: "g"']);
    expect(await err("SELECT regexp_replace('abc', '*', 'X')")).toEqual(['2201B', 'invalid regular expression: quantifier operand invalid']);
    expect(await err("SELECT 'abc' ~ '(a'")).toEqual(['2201B', 'invalid regular expression: parentheses () not balanced']);
  });
});

describe('arrays in jsonb', () => {
  it('to_jsonb and jsonb_build_array nest one JSON array per dimension', async () => {
    expect(await one("SELECT to_jsonb('[2:3]={1,2}'::int[]), to_jsonb('{{1,2},{3,4}}'::int[]), to_jsonb(array[null::int]), to_jsonb(array['2020-01-01'::date]), to_jsonb('{}'::text[]), jsonb_build_array(array[1,2]), to_jsonb(array[1.50, 2e0]), to_jsonb(array['{\"a\":1}'::jsonb])"))
      .toEqual(['[1, 2]', '[[1, 2], [3, 4]]', '[null]', '["2020-01-01"]', '[]', '[[1, 2]]', '[1.50, 2]', '[{"a": 1}]']);
  });

  it('refuses array and json keys in jsonb_build_object', async () => {
    expect(await err("SELECT jsonb_build_object(array[]::int[], 1)")).toEqual(['22023', 'key value must be scalar, not array, composite, or json']);
    expect(await err("SELECT jsonb_build_object('{}'::jsonb, 1)")).toEqual(['22023', 'key value must be scalar, not array, composite, or json']);
  });
});
