// Keeps catalog/STORAGE.md's hex example true.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOG_FORMAT_VERSION, fromCell, metaKey, namespaceKey, relationKey, sequenceKey, toCell, TypeOid, textIn, DEFAULT_FORMAT_SETTINGS } from '../../catalog/index.js';
import { encodeKey, encodeRowId } from '../../lsm/index.js';

const doc = readFileSync(resolve(__dirname, '../../catalog/STORAGE.md'), 'utf8');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const docHex = (label: string): string => {
  const line = doc.split('\n').find((l) => l.startsWith(label));
  if (!line) throw new Error(`no line ${label}`);
  return line.slice(label.length).split(/\s+/).filter((x) => /^[0-9a-f]{4,}$/.test(x)).join('');
};

describe('catalog/STORAGE.md', () => {
  it('hex example matches the encoders', () => {
    expect(docHex('relation key')).toBe(hex(relationKey('postgres', 'public', 't')));
    expect(docHex('namespace key')).toBe(hex(namespaceKey('postgres', 'app')));
    expect(docHex('sequence key')).toBe(hex(sequenceKey(16390)));
    expect(docHex('meta key')).toBe(hex(metaKey('next_oid')));
    expect(docHex('user key, PRIMARY KEY (int4) =')).toBe(hex(encodeKey([{ type: 'int4' }], [1])));
    expect(docHex('user key, PRIMARY KEY (int4, text)')).toBe(hex(encodeKey([{ type: 'int4' }, { type: 'text' }], [-2, 'ab'])));
    expect(docHex('hidden row id')).toBe(hex(encodeRowId(1n)));
    expect(CATALOG_FORMAT_VERSION).toBe(1);
  });

  it('cells round-trip for numeric and interval', () => {
    const n = textIn(TypeOid.numeric, '-12.340', DEFAULT_FORMAT_SETTINGS);
    expect(toCell(TypeOid.numeric, n)).toBe('-12.340');
    expect(toCell(TypeOid.numeric, fromCell(TypeOid.numeric, '-12.340'))).toBe('-12.340');
    const iv = { months: 14, days: -3, micros: 5_000_001n };
    expect(toCell(TypeOid.interval, iv)).toBe('14 -3 5000001');
    expect(fromCell(TypeOid.interval, '14 -3 5000001')).toEqual(iv);
  });
});
