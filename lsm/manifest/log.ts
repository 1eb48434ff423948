// Scanning a manifest file at open. Same classification as the WAL reader:
//  - end of file inside a header or payload, a crc mismatch with no valid frame after it, or a
//    zero-filled tail: a TORN TAIL (a crash interrupted the last append) → the caller truncates;
//  - damage followed by a valid frame later in the file: CORRUPTION → LsmError XX001 naming the
//    file and offset. A frame whose crc matches but whose payload does not decode is corruption.
import { crc32 } from 'node:zlib';
import { LsmError } from '../types.js';
import { FRAME_HEADER_BYTES, decodeEdit } from './edit.js';
import type { VersionEdit } from './edit.js';

/** Manifest records are small; a larger length field is damage, not a record. */
export const MANIFEST_RECORD_BYTES_MAX = 64 * 1024 * 1024;

export interface ManifestScan {
  edits: VersionEdit[];
  validBytes: number;
  torn: boolean;
}

function u32(b: Uint8Array, off: number): number {
  return (b[off]! | (b[off + 1]! << 8) | (b[off + 2]! << 16) | (b[off + 3]! << 24)) >>> 0;
}

export function manifestCorruption(file: string, detail: string): LsmError {
  return new LsmError('XX001', `manifest file "${file}" is corrupt: ${detail}`);
}

function validFrameAfter(b: Uint8Array, from: number): number | undefined {
  for (let q = from + 1; q + FRAME_HEADER_BYTES < b.length; q++) {
    const len = u32(b, q);
    if (len === 0 || len > MANIFEST_RECORD_BYTES_MAX || q + FRAME_HEADER_BYTES + len > b.length) continue;
    if (crc32(b.subarray(q + FRAME_HEADER_BYTES, q + FRAME_HEADER_BYTES + len)) === u32(b, q + 4)) return q;
  }
  return undefined;
}

export function scanManifest(file: string, b: Uint8Array): ManifestScan {
  const edits: VersionEdit[] = [];
  let pos = 0;
  while (pos < b.length) {
    let damage: string;
    if (pos + FRAME_HEADER_BYTES > b.length) damage = 'truncated header';
    else {
      const len = u32(b, pos);
      if (len === 0) damage = 'zero-length frame';
      else if (len > MANIFEST_RECORD_BYTES_MAX) damage = `frame length ${len} too large`;
      else if (pos + FRAME_HEADER_BYTES + len > b.length) damage = 'truncated payload';
      else {
        const payload = b.subarray(pos + FRAME_HEADER_BYTES, pos + FRAME_HEADER_BYTES + len);
        if (crc32(payload) !== u32(b, pos + 4)) damage = 'checksum mismatch';
        else {
          try {
            edits.push(decodeEdit(payload));
          } catch (e) {
            throw manifestCorruption(file, `record at offset ${pos}: ${(e as Error).message}`);
          }
          pos += FRAME_HEADER_BYTES + len;
          continue;
        }
      }
    }
    const next = validFrameAfter(b, pos);
    if (next !== undefined) throw manifestCorruption(file, `${damage} at offset ${pos}, followed by a valid record at offset ${next}`);
    return { edits, validBytes: pos, torn: true };
  }
  return { edits, validBytes: pos, torn: false };
}
