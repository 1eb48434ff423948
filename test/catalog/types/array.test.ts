// Array values: text in/out (quoting, NULL, bounds decoration, PostgreSQL's malformed-literal
// details), binary send/recv bytes, ordering. Expected strings and bytes are PostgreSQL 15.20's.
import { describe, it, expect } from 'vitest';
import { TypeOid, DEFAULT_FORMAT_SETTINGS, textIn, textOut, binaryIn, binaryOut, compareValues, hashKey, makeArray, DbError } from '../../../catalog/index.js';

const O = TypeOid;
const F = DEFAULT_FORMAT_SETTINGS;
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('array text I/O', () => {
  const OUT: Array<[number, string, string]> = [
    [O._int4, '{1,2,3}', '{1,2,3}'],
    [O._int4, '{}', '{}'],
    [O._int4, '{{1,2},{3,4}}', '{{1,2},{3,4}}'],
    [O._int4, '[0:2]={1,2,3}', '[0:2]={1,2,3}'],
    [O._int4, '{ 1 , NULL , "3" }', '{1,NULL,3}'],
    [O._text, '{"",NULL,"null","a b","x\\"y","c\\\\d","{}",abc}', '{"",NULL,"null","a b","x\\"y","c\\\\d","{}",abc}'],
    [O._text, '{ a b ,c}', '{"a b",c}'],
    [O._numeric, '{1.50,NaN}', '{1.50,NaN}'],
    [O._date, '{2024-01-02,infinity}', '{2024-01-02,infinity}'],
    [O._timestamptz, '{"2024-01-02 03:04:05+00"}', '{"2024-01-02 03:04:05+00"}'],
    [O._bool, '{t,f,yes}', '{t,f,t}'],
  ];
  for (const [oid, input, want] of OUT) {
    it(`${input} → ${want}`, () => expect(textOut(oid, textIn(oid, input, F), F)).toBe(want));
  }
  const ERR: Array<[string, string]> = [
    ['1,2', 'Array value must start with "{" or dimension information.'],
    ['{1,2', 'Unexpected end of input.'],
    ['{1,{2}}', 'Unexpected "{" character.'],
    ['{{1},{2,3}}', 'Multidimensional arrays must have sub-arrays with matching dimensions.'],
    ['{1,2}x', 'Junk after closing right brace.'],
    ['{"a}', 'Unexpected end of input.'],
    ['[1:2]={1,2,3}', 'Specified array dimensions do not match array contents.'],
    ['{1,,2}', 'Unexpected "," character.'],
  ];
  for (const [input, detail] of ERR) {
    it(`${input} → 22P02 ${detail}`, () => {
      let err: unknown;
      try { textIn(O._int4, input, F); } catch (e) { err = e; }
      expect(err).toBeInstanceOf(DbError);
      expect([(err as DbError).code, (err as DbError).message, (err as DbError).fields.detail]).toEqual(['22P02', `malformed array literal: "${input}"`, detail]);
    });
  }
  it('element errors are the element type\'s', () => {
    expect(() => textIn(O._int4, '{1,x}', F)).toThrow(expect.objectContaining({ code: '22P02', message: 'invalid input syntax for type integer: "x"' }));
  });
});

describe('array binary I/O', () => {
  it('matches array_send bytes and reads them back', () => {
    const cases: Array<[number, string, string]> = [
      [O._int4, '{1,NULL}', '00000001000000010000001700000002000000010000000400000001ffffffff'],
      [O._text, '[0:1]={a,b}', '000000010000000000000019000000020000000000000001610000000162'],
      [O._int4, '{}', '000000000000000000000017'],
    ];
    for (const [oid, text, bytes] of cases) {
      const v = textIn(oid, text, F);
      expect(hex(binaryOut(oid, v))).toBe(bytes);
      expect(textOut(oid, binaryIn(oid, Buffer.from(bytes, 'hex')), F)).toBe(textOut(oid, v, F));
    }
  });
  it('rejects a wrong element type and bad flags', () => {
    expect(() => binaryIn(O._int4, Buffer.from('000000010000000000000019000000010000000100000001' + '61', 'hex'))).toThrow(expect.objectContaining({ code: '42804', message: 'wrong element type' }));
    expect(() => binaryIn(O._int4, Buffer.from('000000010000000200000017', 'hex'))).toThrow(expect.objectContaining({ code: '22P03', message: 'invalid array flags' }));
  });
});

describe('array ordering', () => {
  it('element-wise, NULL last, then length', () => {
    const v = (s: string) => textIn(O._int4, s, F);
    const sorted = ['{2}', '{1,NULL}', '{1,2,3}', '{1,2}', '{}', '{NULL}'].map(v).sort((a, b) => compareValues(O._int4, a, b)).map((x) => textOut(O._int4, x, F));
    expect(sorted).toEqual(['{}', '{1,2}', '{1,2,3}', '{1,NULL}', '{2}', '{NULL}']);
    expect(hashKey(O._numeric, textIn(O._numeric, '{1.0}', F))).toBe(hashKey(O._numeric, textIn(O._numeric, '{1.00}', F)));
    expect(textOut(O._int4, makeArray([1, null, 3]), F)).toBe('{1,NULL,3}');
  });
});
