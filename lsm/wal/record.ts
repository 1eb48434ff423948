// WAL record codec (spec: FORMAT.md). A frame is
//   u32 LE payload length | u32 LE crc32(payload) (zlib.crc32) | payload
// and a payload is a msgpack array [version=1, seq, entries] where every entry is
// [table, key, kind (0 put | 1 del), row | null, negativeZeroCells?]. All entries of one record
// belong to one committed transaction and share its sequence number; a key appears at most
// once per record. msgpack loses the sign of -0 (it encodes it as the integer 0), so the
// indexes of -0 cells ride along in the optional fifth element.
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import { LsmError } from '../types.js';
import type { Cell, Entry, Row, Seq, TableId } from '../types.js';

import { FRAME_HEADER_BYTES, WAL_RECORD_VERSION, encodeFrame } from './encode.js';

export { FRAME_HEADER_BYTES, WAL_RECORD_VERSION };

export interface WalRecord {
  seq: Seq;
  entries: Entry[];
}

/** One codec per log writer/reader: the Packr carries no shared structures (useRecords off),
 *  so every payload is self-describing and a reader needs nothing but the bytes. */
export function makePackr(): Packr {
  return new Packr({
    useRecords: false,
    moreTypes: false,
    structuredClone: false,
    bundleStrings: false,
    mapsAsObjects: true,
    int64AsType: 'bigint',
    useFloat32: 0,
  });
}

/** The payload with msgpackr (the reference encoder: tests compare encode.ts against it). */
export function encodePayload(packr: Packr, seq: Seq, entries: readonly Entry[]): Uint8Array {
  const wire: unknown[] = new Array(entries.length);
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    const kind = e.kind === 'put' ? 0 : 1;
    let negZero: number[] | undefined;
    const row = e.row ?? null;
    if (row) {
      for (let c = 0; c < row.length; c++) if (row[c] === 0 && Object.is(row[c], -0)) (negZero ??= []).push(c);
    }
    wire[i] = negZero ? [e.table, e.key, kind, row, negZero] : [e.table, e.key, kind, row];
  }
  return packr.pack([WAL_RECORD_VERSION, seq, wire]);
}

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length, true);
  dv.setUint32(4, crc32(payload), true);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

/** One framed record (encode.ts writes it in one pass; `_packr` is kept for the readers' and
 *  writers' shared codec signature and is not needed to encode). */
export function encodeRecord(_packr: Packr, seq: Seq, entries: readonly Entry[]): Uint8Array {
  return encodeFrame(seq, entries);
}

function bad(what: string): Error {
  return new Error(what);
}

/** Decodes a payload whose CRC already matched; a structural problem throws a plain Error
 *  that the reader turns into an XX001 naming the file and offset. */
export function decodePayload(packr: Packr, payload: Uint8Array): WalRecord {
  const v = packr.unpack(payload) as unknown;
  if (!Array.isArray(v) || v.length !== 3) throw bad('record is not [version, seq, entries]');
  const [version, seqRaw, wire] = v as [unknown, unknown, unknown];
  if (version !== WAL_RECORD_VERSION) throw bad(`unsupported WAL record version ${String(version)}`);
  const seq = typeof seqRaw === 'bigint' ? seqRaw : typeof seqRaw === 'number' && Number.isSafeInteger(seqRaw) ? BigInt(seqRaw) : undefined;
  if (seq === undefined || seq <= 0n) throw bad('bad sequence number');
  if (!Array.isArray(wire)) throw bad('entries is not an array');
  const entries: Entry[] = new Array(wire.length);
  for (let i = 0; i < wire.length; i++) {
    const w = wire[i] as unknown[];
    if (!Array.isArray(w) || w.length < 4) throw bad('bad entry');
    const table = w[0] as TableId;
    const key = w[1];
    const kind = w[2];
    if (typeof table !== 'number' || !Number.isInteger(table) || table < 0) throw bad('bad table id');
    if (!(key instanceof Uint8Array)) throw bad('bad key');
    if (kind !== 0 && kind !== 1) throw bad('bad entry kind');
    let row: Row | undefined;
    if (kind === 0) {
      if (!Array.isArray(w[3])) throw bad('put without a row');
      const cells = w[3] as Cell[];
      const negZero = w[4];
      if (Array.isArray(negZero)) for (const c of negZero) cells[c as number] = -0;
      row = cells;
    }
    entries[i] = { table, key, seq, kind: kind === 0 ? 'put' : 'del', row };
  }
  return { seq, entries };
}

export function corruption(file: string, offsetBytes: number, what: string): LsmError {
  return new LsmError('XX001', `WAL file "${file}" is corrupt at offset ${offsetBytes}: ${what}`);
}
