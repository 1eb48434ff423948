// Keeps the examples of lsm/KEY-ENCODING.md true: each row of its examples table must be what
// the encoder produces today.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeKey, type KeyColumn } from '../../../lsm/keys/index.js';
import type { Cell } from '../../../lsm/types.js';

const doc = readFileSync(resolve(__dirname, '../../../lsm/KEY-ENCODING.md'), 'utf8');
const t = (type: KeyColumn['type']): KeyColumn[] => [{ type }];
const cases: [string, KeyColumn[], Cell[]][] = [
  ['int4 1', t('int4'), [1]],
  ['int4 -1', t('int4'), [-1]],
  ['int8 300', t('int8'), [300n]],
  ['int2 -32768', t('int2'), [-32768]],
  ['float8 1.5', t('float8'), [1.5]],
  ['float8 -2', t('float8'), [-2]],
  ['float8 NaN', t('float8'), [NaN]],
  ['numeric 123.45', t('numeric'), ['123.45']],
  ['numeric -0.5', t('numeric'), ['-0.5']],
  ['numeric 0', t('numeric'), ['0']],
  ["text 'ab'", t('text'), ['ab']],
  ["text 'a\\0b'", t('text'), ['a\u0000b']],
  ["bytea '\\xdead'", t('bytea'), [Uint8Array.from([0xde, 0xad])]],
  ['bool true', t('bool'), [true]],
  ['uuid a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', t('uuid'), ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11']],
  ['int4 NULL (nulls first)', t('int4'), [null]],
  ["(text, int4) ('a', 7)", [{ type: 'text' }, { type: 'int4' }], ['a', 7]],
];

describe('KEY-ENCODING.md examples', () => {
  for (const [label, schema, values] of cases) {
    it(label, () => {
      const hex = Buffer.from(encodeKey(schema, values)).toString('hex').replace(/(..)(?!$)/g, '$1 ');
      expect(doc).toContain(`| ${label} | ${hex} |`);
    });
  }
});
