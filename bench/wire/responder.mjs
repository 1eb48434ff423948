#!/usr/bin/env node
// The protocol floor: a minimal PostgreSQL v3 responder that answers every query with one int4
// row "1" WITHOUT parsing SQL, planning or encoding values. It exists only to measure how fast a
// Node process can serve pgbench's `SELECT 1` at all on this machine (issue 2: "a minimal Node
// responder ... lands between 0.6× and 1.4× of PostgreSQL"). It is never used by the server and
// is not a database: it ignores what the query says.
//
// What it speaks: SSLRequest/GSSENCRequest → 'N'; StartupMessage 3.0 → AuthenticationOk,
// a few ParameterStatus, BackendKeyData, ReadyForQuery; Query; Parse/Bind/Describe/Execute/
// Close/Sync/Flush; Terminate. Responses to one socket read are written with one write call.
//
// Limits: a frame longer than FRAME_BYTES_MAX closes the connection (the buffer is bounded).
//
// Usage: node bench/wire/responder.mjs --port 5499 [--host 127.0.0.1]

import { createServer } from 'node:net';

const FRAME_BYTES_MAX = 1 << 20;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
const PROTOCOL_3 = 196608;

function msg(type, body) {
  const b = Buffer.alloc(5 + body.length);
  b.write(type, 0, 'latin1');
  b.writeInt32BE(4 + body.length, 1);
  body.copy(b, 5);
  return b;
}
const cstr = (s) => Buffer.from(s + '\0', 'utf8');
const i16 = (n) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
};
const i32 = (n) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

const AUTH_OK = msg('R', i32(0));
const PARAMS = Buffer.concat(
  [
    ['server_version', '15.0'],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
  ].map(([k, v]) => msg('S', Buffer.concat([cstr(k), cstr(v)]))),
);
const READY_IDLE = msg('Z', Buffer.from('I'));
// RowDescription: one field "?column?", table 0, attr 0, int4 (oid 23), len 4, typmod -1, text.
const ROW_DESC = msg('T', Buffer.concat([i16(1), cstr('?column?'), i32(0), i16(0), i32(23), i16(4), i32(-1), i16(0)]));
const DATA_ROW = msg('D', Buffer.concat([i16(1), i32(1), Buffer.from('1')]));
const COMPLETE = msg('C', cstr('SELECT 1'));
const QUERY_REPLY = Buffer.concat([ROW_DESC, DATA_ROW, COMPLETE, READY_IDLE]);
const PARSE_COMPLETE = msg('1', Buffer.alloc(0));
const BIND_COMPLETE = msg('2', Buffer.alloc(0));
const CLOSE_COMPLETE = msg('3', Buffer.alloc(0));
const PARAM_DESC_NONE = msg('t', i16(0));
const EXECUTE_REPLY = Buffer.concat([DATA_ROW, COMPLETE]);
const EMPTY = Buffer.alloc(0);

function serve(sock, nextPid) {
  sock.setNoDelay(true);
  let buf = EMPTY;
  let started = false;
  sock.on('data', (chunk) => {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    const out = [];
    let off = 0;
    for (;;) {
      if (!started) {
        if (buf.length - off < 8) break;
        const len = buf.readInt32BE(off);
        if (len < 8 || len > FRAME_BYTES_MAX) return sock.destroy();
        if (buf.length - off < len) break;
        const code = buf.readInt32BE(off + 4);
        off += len;
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) out.push(Buffer.from('N'));
        else if (code === CANCEL_REQUEST) return sock.destroy();
        else if (code === PROTOCOL_3) {
          started = true;
          out.push(AUTH_OK, PARAMS, msg('K', Buffer.concat([i32(nextPid), i32(0)])), READY_IDLE);
        } else return sock.destroy();
        continue;
      }
      if (buf.length - off < 5) break;
      const len = buf.readInt32BE(off + 1);
      if (len < 4 || len > FRAME_BYTES_MAX) return sock.destroy();
      if (buf.length - off < 1 + len) break;
      const type = buf[off];
      const describeKind = type === 0x44 ? buf[off + 5] : 0;
      off += 1 + len;
      switch (type) {
        case 0x51: // 'Q'
          out.push(QUERY_REPLY);
          break;
        case 0x50: // 'P'
          out.push(PARSE_COMPLETE);
          break;
        case 0x42: // 'B'
          out.push(BIND_COMPLETE);
          break;
        case 0x44: // 'D': statement → ParameterDescription + RowDescription; portal → RowDescription
          if (describeKind === 0x53) out.push(PARAM_DESC_NONE);
          out.push(ROW_DESC);
          break;
        case 0x45: // 'E'
          out.push(EXECUTE_REPLY);
          break;
        case 0x53: // 'S'
          out.push(READY_IDLE);
          break;
        case 0x43: // 'C'
          out.push(CLOSE_COMPLETE);
          break;
        case 0x48: // 'H' flush: every reply is written at the end of this read anyway
          break;
        case 0x58: // 'X'
          sock.end();
          return;
        default:
          return sock.destroy();
      }
    }
    buf = off === buf.length ? EMPTY : buf.subarray(off);
    if (out.length === 1) sock.write(out[0]);
    else if (out.length > 1) sock.write(Buffer.concat(out));
  });
  sock.on('error', () => sock.destroy());
}

function main() {
  const args = process.argv.slice(2);
  let host = '127.0.0.1';
  let port = 0;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--port') port = Number(args[++i]);
    else if (args[i] === '--host') host = args[++i];
    else throw new Error(`unknown argument ${args[i]}`);
  }
  let pid = 1000;
  const server = createServer((sock) => serve(sock, pid++));
  server.listen(port, host, () => process.stderr.write(`responder listening on ${host}:${server.address().port}\n`));
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main();
