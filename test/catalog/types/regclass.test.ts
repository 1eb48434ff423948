// regclass's session-free part: the value's output, binary form, order and hash key, and
// regclassin's name splitting (stringToQualifiedNameList's rules).
import { describe, it, expect } from 'vitest';
import { PendingRegclass, TypeOid, binaryIn, binaryOut, compareValues, hashKey, makeRegclass, splitQualifiedName, textIn, textOut, DEFAULT_FORMAT_SETTINGS as DEFAULT_FORMAT } from '../../../catalog/index.js';

describe('regclass value', () => {
  it('prints the label fixed at the cast and sends the OID', () => {
    const v = makeRegclass(16389, 'other.t');
    expect(textOut(TypeOid.regclass, v, DEFAULT_FORMAT)).toBe('other.t');
    expect([...binaryOut(TypeOid.regclass, v)]).toEqual([0, 0, 0x40, 0x05]);
    expect([...binaryOut(TypeOid.regclass, makeRegclass(4294967295, '4294967295'))]).toEqual([255, 255, 255, 255]);
  });
  it('orders and hashes as its OID, whatever the label', () => {
    expect(compareValues(TypeOid.regclass, makeRegclass(2, 'b'), makeRegclass(10, 'a'))).toBe(-1);
    expect(compareValues(TypeOid.regclass, makeRegclass(10, 'a'), makeRegclass(10, 's.a'))).toBe(0);
    expect(hashKey(TypeOid.regclass, makeRegclass(10, 'a'))).toBe(hashKey(TypeOid.regclass, makeRegclass(10, 's.a')));
  });
  it('codec input has no session: a PendingRegclass the session resolves; printing it unresolved is 0A000, never a wrong name', () => {
    const t = textIn(TypeOid.regclass, 't', DEFAULT_FORMAT);
    expect(t).toBeInstanceOf(PendingRegclass);
    expect((t as PendingRegclass).input).toEqual({ text: 't' });
    expect(() => (t as PendingRegclass).label).toThrow(expect.objectContaining({ code: '0A000' }));
    const b = binaryIn(TypeOid.regclass, Uint8Array.of(0, 0, 0, 1));
    expect(b).toBeInstanceOf(PendingRegclass);
    expect((b as PendingRegclass).oid).toBe(1);
    expect(() => binaryIn(TypeOid.regclass, Uint8Array.of(0, 1))).toThrow(expect.objectContaining({ code: '22P03' }));
  });
});

describe('splitQualifiedName', () => {
  it('lower-cases unquoted parts, keeps quoted ones, allows spaces around dots', () => {
    expect(splitQualifiedName('T')).toEqual(['t']);
    expect(splitQualifiedName(' Public . "Mixed.Name" ')).toEqual(['public', 'Mixed.Name']);
    expect(splitQualifiedName('"a""b"')).toEqual(['a"b']);
    expect(splitQualifiedName('db.s.t')).toEqual(['db', 's', 't']);
    expect(splitQualifiedName('1X.ÄB')).toEqual(['1x', 'Äb']); // any run of characters; ASCII-only downcasing
  });
  it('rejects what PostgreSQL calls invalid name syntax', () => {
    for (const bad of ['', 'a.', '.a', 'a b', '"unterminated', '""', 'a..b']) expect(splitQualifiedName(bad)).toBeUndefined();
  });
});
