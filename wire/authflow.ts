// The authentication exchange after the startup packet (PROTOCOL.md, "Authentication"):
// trust when no users are configured, else the user's method: SCRAM-SHA-256, md5 or cleartext.
//
// Invariants:
// - Every failure is FATAL 28P01 `password authentication failed for user "<name>"`, whatever
//   went wrong (unknown user, wrong password, empty password), as PostgreSQL reports it.
// - A malformed authentication message is FATAL 08P01; the exchange never waits for a message
//   other than PasswordMessage/SASLResponse ('p').

import { randomBytes } from 'node:crypto';
import { DbError } from '../catalog/index.js';
import { BodyReader, FramingError, type Frame } from './framing.js';
import { ScramExchange, md5Verify, mockScramSecret, verifyPlain, type UserAuth } from './auth.js';
import type { BackendWriter } from './writer.js';

export interface AuthContext {
  /** Configured users; empty means trust for everyone. */
  users: ReadonlyMap<string, UserAuth>;
  /** Server-lifetime random bytes that make mock secrets stable per user. */
  mockNonce: Buffer;
}

interface AuthIo {
  readonly out: BackendWriter;
  nextFrame(): Promise<Frame | undefined>;
  flush(): void;
}

const AUTH_CLEARTEXT = 3;
const AUTH_MD5 = 5;
const AUTH_SASL = 10;
const AUTH_SASL_CONTINUE = 11;
const AUTH_SASL_FINAL = 12;
const P = 0x70;

function failed(user: string): DbError {
  return new DbError('28P01', `password authentication failed for user "${user}"`, { severity: 'FATAL' });
}

/**
 * Runs the exchange. True when authenticated, false when the client went away; throws on failure.
 * `channelBinding`: tls-server-end-point data when the connection runs over TLS (then
 * SCRAM-SHA-256-PLUS is offered first, as PostgreSQL does).
 */
export async function authenticate(ctx: AuthContext, user: string, io: AuthIo, channelBinding?: Buffer): Promise<boolean> {
  if (ctx.users.size === 0) return true;
  const u = ctx.users.get(user);
  const method = u?.method ?? 'scram-sha-256';
  switch (method) {
    case 'scram-sha-256':
      return scram(ctx, user, u, io, channelBinding);
    case 'md5':
      // PostgreSQL answers an md5 rule with SCRAM when the stored secret is SCRAM only.
      if (u !== undefined && u.md5Hash === undefined) return scram(ctx, user, u, io, channelBinding);
      return md5(user, u, io);
    case 'password':
      return cleartext(user, u, io);
    default: {
      const never: never = method;
      throw new Error(`unknown auth method ${String(never)}`);
    }
  }
}

async function passwordMessage(io: AuthIo, expected: string): Promise<Buffer | undefined> {
  io.flush();
  const f = await io.nextFrame();
  if (f === undefined) return undefined;
  if (f.type !== P) throw new FramingError(`expected ${expected} response, got message type ${f.type}`);
  return f.body;
}

function cstringBody(body: Buffer): string {
  const r = new BodyReader(body);
  const s = r.cstringBytes().toString('utf8');
  r.end();
  return s;
}

async function cleartext(user: string, u: UserAuth | undefined, io: AuthIo): Promise<boolean> {
  io.out.authentication(AUTH_CLEARTEXT);
  const body = await passwordMessage(io, 'password');
  if (body === undefined) return false;
  const pw = cstringBody(body);
  if (pw === '' || u === undefined) throw failed(user);
  if (!verifyPlain(u.scramSecret, pw)) throw failed(user);
  return true;
}

async function md5(user: string, u: UserAuth | undefined, io: AuthIo): Promise<boolean> {
  const salt = randomBytes(4);
  io.out.authentication(AUTH_MD5, salt);
  const body = await passwordMessage(io, 'password');
  if (body === undefined) return false;
  const resp = cstringBody(body);
  if (resp === '' || u === undefined || u.md5Hash === undefined || !md5Verify(u.md5Hash, salt, resp)) throw failed(user);
  return true;
}

async function scram(ctx: AuthContext, user: string, u: UserAuth | undefined, io: AuthIo, channelBinding: Buffer | undefined): Promise<boolean> {
  const mock = u === undefined;
  const ex = new ScramExchange(u?.scramSecret ?? mockScramSecret(user, ctx.mockNonce), mock, channelBinding);
  // AuthenticationSASL: the list of mechanisms, each a cstring, then an empty one.
  const mechanisms = channelBinding !== undefined ? 'SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0' : 'SCRAM-SHA-256\0\0';
  io.out.authentication(AUTH_SASL, Buffer.from(mechanisms, 'latin1'));
  const first = await passwordMessage(io, 'SASL');
  if (first === undefined) return false;
  const r = new BodyReader(first);
  const mechanism = r.cstringBytes().toString('utf8');
  const plus = mechanism === 'SCRAM-SHA-256-PLUS' && channelBinding !== undefined;
  if (mechanism !== 'SCRAM-SHA-256' && !plus) throw new DbError('08P01', 'client selected an invalid SASL authentication mechanism', { severity: 'FATAL' });
  const len = r.int32();
  const data = len === -1 ? '' : r.bytes(len).toString('utf8');
  r.end();
  const step = ex.clientFirst(data, plus);
  if (step.kind === 'error') throw new DbError('08P01', step.message, { severity: 'FATAL' });
  io.out.authentication(AUTH_SASL_CONTINUE, Buffer.from(step.data, 'utf8'));
  const second = await passwordMessage(io, 'SASL');
  if (second === undefined) return false;
  const fin = ex.clientFinal(second.toString('utf8'));
  switch (fin.kind) {
    case 'error':
      throw new DbError('08P01', fin.message, { severity: 'FATAL' });
    case 'fail':
      throw failed(user);
    case 'ok':
      io.out.authentication(AUTH_SASL_FINAL, Buffer.from(fin.data, 'utf8'));
      return true;
    default: {
      const never: never = fin;
      throw new Error(`unknown SCRAM result ${String(never)}`);
    }
  }
}
