// Reading a WAL file at recovery. The scan classifies the first bad spot of a file:
//  - end of file inside a header or a payload, a CRC mismatch on the last frame, or a zero-filled
//    tail: a TORN TAIL (a write that a crash interrupted). The caller truncates the file there.
//  - any damage followed by a frame that is valid (length fits, CRC matches) at a later offset:
//    CORRUPTION. Recovery stops with XX001 naming the file and the offset; never skipped.
// A torn tail is legal only in the newest log file; the caller enforces that.
// A ZERO TAIL (every byte from a frame boundary to the end of the file is 0) is the clean end of
// the log: WAL files are preallocated zero-filled (writer.ts), and a frame never has length 0,
// so a header of zeros never parses as a record. It is legal in any log and not truncated.
// With `onRecord`, records are handed over as they are decoded (recovery applies them at once
// instead of holding a whole log's records in memory). Damage found later still throws, so a
// caller must treat what it applied as provisional until the scan returns.
import { crc32 } from 'node:zlib';
import type { Packr } from 'msgpackr';
import { FRAME_HEADER_BYTES, corruption, decodePayload, type WalRecord } from './record.js';

export interface WalScan {
  /** The records, unless an onRecord callback consumed them. */
  records: WalRecord[];
  count: number;
  /** Offsets of each record's frame (for tests and error messages). */
  offsets: number[];
  /** Bytes of valid frames from the start (the end of the log: the zero tail or torn tail
   *  starts here); equals the file length when there is neither. */
  validBytes: number;
  torn: boolean;
}

function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

/** Whether every byte from `from` to the end is 0 (the unwritten part of a preallocated log). */
export function isZeroTail(b: Uint8Array, from: number): boolean {
  let q = from;
  // 4 bytes at a time where aligned: a 16 MiB tail is checked at every open of every log.
  while (q < b.length && ((b.byteOffset + q) & 3) !== 0) if (b[q++] !== 0) return false;
  const words = (b.length - q) >>> 2;
  if (words > 0) {
    const w = new Uint32Array(b.buffer, b.byteOffset + q, words);
    for (let i = 0; i < words; i++) if (w[i] !== 0) return false;
    q += words * 4;
  }
  while (q < b.length) if (b[q++] !== 0) return false;
  return true;
}

/** Whether a valid frame starts anywhere in (from, end). Used only after damage was found. */
function validFrameAfter(b: Uint8Array, from: number): number | undefined {
  for (let q = from + 1; q + FRAME_HEADER_BYTES < b.length; q++) {
    const len = u32(b, q);
    if (len === 0 || q + FRAME_HEADER_BYTES + len > b.length) continue;
    if (crc32(b.subarray(q + FRAME_HEADER_BYTES, q + FRAME_HEADER_BYTES + len)) === u32(b, q + 4)) return q;
  }
  return undefined;
}

/** Scans a whole WAL file's bytes. Throws XX001 on corruption; reports a torn tail. */
export function scanWal(packr: Packr, file: string, b: Uint8Array, recordBytesMax: number, onRecord?: (r: WalRecord) => void): WalScan {
  const records: WalRecord[] = [];
  const offsets: number[] = [];
  let count = 0;
  let pos = 0;
  while (pos < b.length) {
    let damage: string | undefined;
    if (pos + FRAME_HEADER_BYTES > b.length) {
      if (isZeroTail(b, pos)) return { records, offsets, count, validBytes: pos, torn: false };
      damage = 'truncated header';
    }
    else {
      const len = u32(b, pos);
      const crc = u32(b, pos + 4);
      if (len === 0) {
        if (isZeroTail(b, pos)) return { records, offsets, count, validBytes: pos, torn: false };
        damage = 'zero-length frame';
      }
      else if (len > recordBytesMax) damage = `frame length ${len} exceeds ${recordBytesMax}`;
      else if (pos + FRAME_HEADER_BYTES + len > b.length) damage = 'truncated payload';
      else {
        const payload = b.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + len);
        if (crc32(payload) !== crc) damage = 'checksum mismatch';
        else {
          let rec: WalRecord;
          try {
            rec = decodePayload(packr, payload);
          } catch (e) {
            // The CRC matched, so these bytes are what was written: a format problem, not a tear.
            throw corruption(file, pos, (e as Error).message);
          }
          if (onRecord) onRecord(rec);
          else {
            records.push(rec);
            offsets.push(pos);
          }
          count++;
          pos += FRAME_HEADER_BYTES + len;
          continue;
        }
      }
    }
    const next = validFrameAfter(b, pos);
    if (next !== undefined) throw corruption(file, pos, `${damage}, followed by a valid record at offset ${next}`);
    return { records, offsets, count, validBytes: pos, torn: true };
  }
  return { records, offsets, count, validBytes: pos, torn: false };
}
