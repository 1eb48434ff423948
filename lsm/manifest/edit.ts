// Version edits and their record codec. Spec: FORMAT.md "Records".
// A record frame is u32 LE payload length | u32 LE crc32(payload) | payload, the WAL's framing;
// the payload is a msgpack map (no shared structures). Sequence numbers travel as decimal
// strings so that msgpack's integer width rules never change their type.
import { crc32 } from 'node:zlib';
import { Packr } from 'msgpackr';
import type { Seq, TableId } from '../types.js';

export const EDIT_VERSION = 1;
export const FRAME_HEADER_BYTES = 8;
export const MAX_LEVELS = 7;

/** A live segment file as the manifest records it. */
export interface SegmentFile {
  level: number;
  fileNumber: number;
  table: TableId;
  sizeBytes: number;
  smallestKey: Uint8Array;
  largestKey: Uint8Array;
  smallestSeq: Seq;
  largestSeq: Seq;
  rowCount: number;
  /**
   * File-level sequence number (a published ingest, db/publish.ts): every version in the file
   * has this seq, whatever its `_seq` column says (0). smallestSeq = largestSeq = fileSeq then.
   * Undefined: the file's own `_seq` column is the truth (every file written before this field).
   */
  fileSeq?: Seq;
}

export interface RemovedFile {
  level: number;
  fileNumber: number;
}

export interface VersionEdit {
  added?: SegmentFile[];
  removed?: RemovedFile[];
  /** WAL files numbered below this are fully reflected in segments (core's meaning). */
  logNumber?: number;
  nextFileNumber?: number;
  lastSeq?: Seq;
}

const packr = new Packr({ useRecords: false, moreTypes: false, bundleStrings: false, mapsAsObjects: true });

export function encodeEdit(e: VersionEdit): Uint8Array {
  const o: Record<string, unknown> = { v: EDIT_VERSION };
  if (e.added?.length) {
    o.added = e.added.map((f) => ({
      level: f.level,
      file: f.fileNumber,
      table: f.table,
      size: f.sizeBytes,
      minKey: f.smallestKey,
      maxKey: f.largestKey,
      minSeq: f.smallestSeq.toString(),
      maxSeq: f.largestSeq.toString(),
      rows: f.rowCount,
      ...(f.fileSeq !== undefined ? { seq: f.fileSeq.toString() } : {}),
    }));
  }
  if (e.removed?.length) o.removed = e.removed.map((r) => [r.level, r.fileNumber]);
  if (e.logNumber !== undefined) o.logNumber = e.logNumber;
  if (e.nextFileNumber !== undefined) o.nextFile = e.nextFileNumber;
  if (e.lastSeq !== undefined) o.lastSeq = e.lastSeq.toString();
  return packr.pack(o);
}

export function frame(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(FRAME_HEADER_BYTES + payload.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, payload.length, true);
  dv.setUint32(4, crc32(payload), true);
  out.set(payload, FRAME_HEADER_BYTES);
  return out;
}

function need(cond: boolean, what: string): asserts cond {
  if (!cond) throw new Error(`version edit field ${what} is malformed`);
}
function nat(v: unknown, what: string): number {
  need(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0, what);
  return v as number;
}
function seq(v: unknown, what: string): Seq {
  need(typeof v === 'string' && /^[0-9]{1,20}$/.test(v), what);
  return BigInt(v as string);
}
function bytes(v: unknown, what: string): Uint8Array {
  need(v instanceof Uint8Array, what);
  return v as Uint8Array;
}
function level(v: unknown): number {
  const l = nat(v, 'level');
  need(l < MAX_LEVELS, 'level');
  return l;
}

/** Decode a payload whose crc matched; throws a plain Error on a structural problem. */
export function decodeEdit(payload: Uint8Array): VersionEdit {
  const o = packr.unpack(payload) as Record<string, unknown>;
  need(typeof o === 'object' && o !== null && !Array.isArray(o), 'record');
  need(o.v === EDIT_VERSION, `v (unsupported version ${String(o.v)})`);
  const e: VersionEdit = {};
  if (o.added !== undefined) {
    need(Array.isArray(o.added), 'added');
    e.added = (o.added as Record<string, unknown>[]).map((f) => {
      need(typeof f === 'object' && f !== null, 'added[]');
      return {
        level: level(f.level),
        fileNumber: nat(f.file, 'file'),
        table: nat(f.table, 'table'),
        sizeBytes: nat(f.size, 'size'),
        smallestKey: bytes(f.minKey, 'minKey'),
        largestKey: bytes(f.maxKey, 'maxKey'),
        smallestSeq: seq(f.minSeq, 'minSeq'),
        largestSeq: seq(f.maxSeq, 'maxSeq'),
        rowCount: nat(f.rows, 'rows'),
        ...(f.seq !== undefined ? { fileSeq: seq(f.seq, 'seq') } : {}),
      };
    });
  }
  if (o.removed !== undefined) {
    need(Array.isArray(o.removed), 'removed');
    e.removed = (o.removed as unknown[]).map((r) => {
      need(Array.isArray(r) && r.length === 2, 'removed[]');
      const [l, f] = r as unknown[];
      return { level: level(l), fileNumber: nat(f, 'removed file') };
    });
  }
  if (o.logNumber !== undefined) e.logNumber = nat(o.logNumber, 'logNumber');
  if (o.nextFile !== undefined) e.nextFileNumber = nat(o.nextFile, 'nextFile');
  if (o.lastSeq !== undefined) e.lastSeq = seq(o.lastSeq, 'lastSeq');
  return e;
}
