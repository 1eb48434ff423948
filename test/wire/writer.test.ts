// Backend messages decoded by pg-protocol's Parser (the independent oracle), and the hex example
// of PROTOCOL.md kept true.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { Parser } from 'pg-protocol/dist/parser.js';
import { BackendWriter } from '../../wire/writer.js';

function decode(buf: Buffer): any[] {
  const msgs: any[] = [];
  new Parser().parse(buf, (m) => msgs.push(m));
  return msgs;
}

const int4Field = { name: 'n', tableOid: 0, columnAttr: 0, typeOid: 23, typeLen: 4, typeMod: -1 };

/** The response to `SELECT 1 AS n` in the simple protocol (the PROTOCOL.md example). */
function selectOneResponse(): Buffer {
  const w = new BackendWriter();
  w.rowDescription([int4Field], []);
  w.begin('D');
  w.int16(1);
  w.textValue('1');
  w.end();
  w.commandComplete('SELECT 1');
  w.readyForQuery('I');
  return w.take();
}

describe('BackendWriter', () => {
  it('encodes every message so that pg-protocol decodes it back', () => {
    const w = new BackendWriter();
    w.authentication(0);
    w.authentication(5, Buffer.from([1, 2, 3, 4]));
    w.authentication(10, Buffer.from('SCRAM-SHA-256\0\0', 'latin1'));
    w.authentication(11, Buffer.from('r=abc,s=c2FsdA==,i=4096'));
    w.authentication(12, Buffer.from('v=xyz'));
    w.parameterStatus('server_version', '15.0');
    w.backendKeyData(1234, -5);
    w.rowDescription([int4Field, { ...int4Field, name: 'é', typeOid: 25, typeLen: -1 }], [1, 0]);
    w.begin('D');
    w.int16(3);
    w.textValue('héllo');
    w.nullValue();
    w.bytesValue(Buffer.from([0, 0, 0, 7]));
    w.end();
    w.commandComplete('SELECT 1');
    w.emptyQueryResponse();
    w.parseComplete();
    w.bindComplete();
    w.closeComplete();
    w.noData();
    w.portalSuspended();
    w.parameterDescription([23, 25]);
    w.copyResponse('G', false, 2);
    w.copyResponse('H', true, 1);
    w.copyData(Buffer.from('a\tb\n'));
    w.copyDone();
    w.errorOrNotice('E', { severity: 'ERROR', code: '22012', message: 'division by zero', detail: 'd', hint: 'h', position: 8, where: 'w', table: 't', column: 'c', constraint: 'k' });
    w.errorOrNotice('N', { severity: 'NOTICE', code: '00000', message: 'hi' });
    w.readyForQuery('T');
    const m = decode(w.take());
    const names = m.map((x) => x.name);
    expect(names).toEqual([
      'authenticationOk', 'authenticationMD5Password', 'authenticationSASL', 'authenticationSASLContinue', 'authenticationSASLFinal',
      'parameterStatus', 'backendKeyData', 'rowDescription', 'dataRow', 'commandComplete', 'emptyQuery', 'parseComplete',
      'bindComplete', 'closeComplete', 'noData', 'portalSuspended', 'parameterDescription', 'copyInResponse', 'copyOutResponse',
      'copyData', 'copyDone', 'error', 'notice', 'readyForQuery',
    ]);
    expect(m[1].salt).toEqual(Buffer.from([1, 2, 3, 4]));
    expect(m[2].mechanisms).toEqual(['SCRAM-SHA-256']);
    expect(m[3].data).toBe('r=abc,s=c2FsdA==,i=4096');
    expect(m[5]).toMatchObject({ parameterName: 'server_version', parameterValue: '15.0' });
    expect(m[6]).toMatchObject({ processID: 1234, secretKey: -5 });
    expect(m[7].fields.map((f: any) => [f.name, f.dataTypeID, f.dataTypeSize, f.dataTypeModifier, f.format])).toEqual([
      ['n', 23, 4, -1, 'binary'],
      ['é', 25, -1, -1, 'text'],
    ]);
    expect(m[8].fields).toEqual(['héllo', null, '\u0000\u0000\u0000\u0007']);
    expect(m[9].text).toBe('SELECT 1');
    expect(m[16].dataTypeIDs).toEqual([23, 25]);
    expect(m[17]).toMatchObject({ binary: false, columnTypes: [0, 0] });
    expect(m[18]).toMatchObject({ binary: true, columnTypes: [1] });
    expect(m[19].chunk.toString()).toBe('a\tb\n');
    expect(m[21]).toMatchObject({ severity: 'ERROR', code: '22012', message: 'division by zero', detail: 'd', hint: 'h', position: '8', where: 'w', table: 't', column: 'c', constraint: 'k' });
    expect(m[22]).toMatchObject({ severity: 'NOTICE', message: 'hi' });
    expect(m[23].status).toBe('T');
  });

  it('grows its buffer for large rows and hands out independent outputs', () => {
    const w = new BackendWriter();
    const big = 'x'.repeat(100_000);
    w.begin('D');
    w.int16(1);
    w.textValue(big);
    w.end();
    const a = w.take();
    w.commandComplete('SELECT 1');
    const b = w.take();
    const m = decode(Buffer.concat([a, b]));
    expect(m[0].fields[0]).toBe(big);
    expect(m[1].text).toBe('SELECT 1');
  });

  it('repeats a RowDescription byte for byte from its cache, per field list and format', () => {
    const fieldsA = [int4Field, { ...int4Field, name: 'é', typeOid: 25, typeLen: -1 }];
    const fieldsB = [{ ...int4Field, name: 'other', tableOid: 16384, columnAttr: 2 }];
    const fresh = (fields: typeof fieldsA, formats: number[]): Buffer => {
      const w = new BackendWriter();
      w.rowDescription(fields, formats);
      return w.take();
    };
    const w = new BackendWriter();
    const seq: Array<[typeof fieldsA, number[]]> = [
      [fieldsA, []], [fieldsA, []], [fieldsA, [1]], [fieldsA, [1]], [fieldsA, [0]], [fieldsB, [0]], [fieldsA, [1, 0]], [fieldsA, [1, 0]], [fieldsB, []], [fieldsA, []],
    ];
    for (const [f, fm] of seq) {
      w.rowDescription(f, fm);
      w.readyForQuery('I'); // other messages in between must not disturb the cached bytes
    }
    const z = Buffer.from([0x5a, 0, 0, 0, 5, 0x49]);
    expect(w.take()).toEqual(Buffer.concat(seq.flatMap(([f, fm]) => [fresh(f, fm), z])));
    const m = decode(fresh(fieldsA, [1]));
    expect(m[0].fields.map((x: any) => x.format)).toEqual(['binary', 'binary']);
  });

  it('matches the hex example in wire/PROTOCOL.md', () => {
    const doc = readFileSync(new URL('../../wire/PROTOCOL.md', import.meta.url), 'utf8');
    const block = /<!-- hex-example:select-1 -->\n```\n([\s\S]*?)```/.exec(doc);
    expect(block, 'PROTOCOL.md lacks the select-1 hex example').not.toBeNull();
    const hex = block![1]!.replace(/#.*$/gm, '').replace(/\s+/g, '');
    expect(hex).toBe(selectOneResponse().toString('hex'));
  });
});
