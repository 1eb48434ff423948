// Password authentication: SCRAM-SHA-256 (RFC 5802 / RFC 7677, server side), md5 and cleartext,
// with secrets stored the way PostgreSQL stores them in pg_authid.rolpassword.
//
// Invariants:
// - No plaintext password is kept after configuration: a user holds a SCRAM secret
//   (`SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`) and, when md5 is allowed, the md5 hash.
// - An unknown user goes through the same exchange with a made-up secret (PostgreSQL's "mock"
//   authentication), so a client cannot tell unknown users from wrong passwords.
// - Every comparison of secret material uses timingSafeEqual.

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export type AuthMethod = 'scram-sha-256' | 'md5' | 'password';

export interface UserAuth {
  name: string;
  method: AuthMethod;
  scramSecret: string;
  /** 'md5' + hex(md5(password || user)), present when the password was given in clear. */
  md5Hash: string | undefined;
}

export const SCRAM_ITERATIONS = 4096;

const hmac = (key: Buffer, data: string | Buffer): Buffer => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** PostgreSQL's SCRAM secret for a password (SASLprep is skipped: ASCII passwords are unaffected). */
export function makeScramSecret(password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): string {
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), salt, iterations, 32, 'sha256');
  const storedKey = sha256(hmac(salted, 'Client Key'));
  const serverKey = hmac(salted, 'Server Key');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

export interface ScramSecret {
  iterations: number;
  salt: Buffer;
  storedKey: Buffer;
  serverKey: Buffer;
}

export function parseScramSecret(s: string): ScramSecret | undefined {
  const m = /^SCRAM-SHA-256\$(\d+):([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$/.exec(s);
  if (!m) return undefined;
  const storedKey = Buffer.from(m[3]!, 'base64');
  const serverKey = Buffer.from(m[4]!, 'base64');
  if (storedKey.length !== 32 || serverKey.length !== 32) return undefined;
  return { iterations: Number(m[1]), salt: Buffer.from(m[2]!, 'base64'), storedKey, serverKey };
}

export function md5Hash(password: string, user: string): string {
  return 'md5' + createHash('md5').update(password + user, 'utf8').digest('hex');
}

/** Checks the client's md5 response: 'md5' + md5(md5hash-hex-without-prefix || salt). */
export function md5Verify(stored: string, salt: Buffer, response: string): boolean {
  const expected = 'md5' + createHash('md5').update(Buffer.concat([Buffer.from(stored.slice(3), 'utf8'), salt])).digest('hex');
  return safeEqual(Buffer.from(expected), Buffer.from(response));
}

/** Checks a cleartext password against the SCRAM secret (PostgreSQL's scram_verify_plain_password). */
export function verifyPlain(secret: string, password: string): boolean {
  const s = parseScramSecret(secret);
  if (!s) return false;
  const salted = pbkdf2Sync(Buffer.from(password, 'utf8'), s.salt, s.iterations, 32, 'sha256');
  return safeEqual(hmac(salted, 'Server Key'), s.serverKey);
}

function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A secret that no password matches, deterministic per user so repeated tries look alike. */
export function mockScramSecret(user: string, serverNonce: Buffer): string {
  const salt = hmac(serverNonce, 'salt:' + user).subarray(0, 16);
  const k = hmac(serverNonce, 'key:' + user);
  return `SCRAM-SHA-256$${SCRAM_ITERATIONS}:${salt.toString('base64')}$${k.toString('base64')}:${k.toString('base64')}`;
}

// Signature algorithm OIDs (DER content bytes) whose hash tls-server-end-point must use
// (RFC 5929 §4.1: the certificate's own signature hash; MD5 and SHA-1 are replaced by SHA-256).
const SIG_HASH: ReadonlyArray<[string, string]> = [
  ['2a864886f70d01010c', 'sha384'], // sha384WithRSAEncryption
  ['2a864886f70d01010d', 'sha512'], // sha512WithRSAEncryption
  ['2a8648ce3d040303', 'sha384'], // ecdsa-with-SHA384
  ['2a8648ce3d040304', 'sha512'], // ecdsa-with-SHA512
];

/** Reads one DER TLV header at `pos`: [content start, content length]. */
function derHeader(der: Buffer, pos: number): [number, number] {
  let p = pos + 1;
  const first = der[p++]!;
  if (first < 0x80) return [p, first];
  const n = first & 0x7f;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[p++]!;
  return [p, len];
}

/**
 * The tls-server-end-point channel binding data (RFC 5929) of a DER certificate: its hash with
 * the certificate's signature hash algorithm, SHA-256 for everything else we meet.
 */
export function tlsServerEndPoint(certDer: Buffer): Buffer {
  let hash = 'sha256';
  try {
    const [certStart] = derHeader(certDer, 0); // Certificate ::= SEQUENCE {
    const [tbsStart, tbsLen] = derHeader(certDer, certStart); //   tbsCertificate,
    const [algStart] = derHeader(certDer, tbsStart + tbsLen); //   signatureAlgorithm SEQUENCE {
    const [oidStart, oidLen] = derHeader(certDer, algStart); //     algorithm OID, ...
    const oid = certDer.subarray(oidStart, oidStart + oidLen).toString('hex');
    hash = SIG_HASH.find(([o]) => o === oid)?.[1] ?? 'sha256';
  } catch {
    // An unparsable certificate would not have loaded into the TLS context; keep SHA-256.
  }
  return createHash(hash).update(certDer).digest();
}

export type ScramStep =
  | { kind: 'continue'; data: string }
  | { kind: 'error'; message: string };

export type ScramFinal =
  | { kind: 'ok'; data: string }
  | { kind: 'fail' }
  | { kind: 'error'; message: string };

/**
 * One SCRAM-SHA-256 exchange, server side. `clientFirst` answers the client-first-message with
 * the server-first-message; `clientFinal` verifies the proof and returns the server-final-message.
 * Malformed messages are protocol errors (PostgreSQL: 08P01 "malformed SCRAM message").
 */
export class ScramExchange {
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  /** The expected decoded `c=` attribute: gs2 header, plus the binding data with -PLUS. */
  private expectedBinding: Buffer = Buffer.alloc(0);
  private readonly secret: ScramSecret;

  /**
   * @param channelBinding tls-server-end-point data of this connection's certificate when the
   *   connection is TLS and SCRAM-SHA-256-PLUS was offered; undefined otherwise
   */
  constructor(
    secret: string,
    private readonly mock: boolean,
    private readonly channelBinding: Buffer | undefined = undefined,
  ) {
    const s = parseScramSecret(secret);
    if (!s) throw new Error('invalid SCRAM secret'); // configuration checks secrets up front
    this.secret = s;
  }

  /** `plus`: the client selected SCRAM-SHA-256-PLUS. Errors carry PostgreSQL's wording. */
  clientFirst(msg: string, plus = false): ScramStep {
    // gs2-header: "n,," (no binding), "y,," (client could bind but thinks we cannot),
    // "p=<type>,," (binding, only with -PLUS); an authzid ("a=") is not supported.
    const m = /^(n|y|p=[^,]*),(a=[^,]*)?,(.*)$/.exec(msg);
    if (!m) return { kind: 'error', message: 'malformed SCRAM message' };
    const flag = m[1]!;
    if (plus) {
      if (!flag.startsWith('p=')) return { kind: 'error', message: 'malformed SCRAM message' };
      if (flag !== 'p=tls-server-end-point') return { kind: 'error', message: `unsupported SCRAM channel-binding type "${flag.slice(2)}"` };
      if (this.channelBinding === undefined) return { kind: 'error', message: 'malformed SCRAM message' };
    } else if (flag.startsWith('p=')) {
      return { kind: 'error', message: 'malformed SCRAM message' };
    } else if (flag === 'y' && this.channelBinding !== undefined) {
      // The client could bind but believes we cannot: a downgrade by someone in the middle.
      return { kind: 'error', message: 'SCRAM channel binding negotiation error' };
    }
    if (m[2]) return { kind: 'error', message: 'client uses authorization identity, but it is not supported' };
    const gs2 = Buffer.from(`${flag},,`, 'latin1');
    this.expectedBinding = plus ? Buffer.concat([gs2, this.channelBinding!]) : gs2;
    const bare = m[3]!;
    const attrs = /^(?:m=[^,]*,)?n=[^,]*,r=([\x21-\x2b\x2d-\x7e]+)(?:,.*)?$/.exec(bare);
    if (!attrs) return { kind: 'error', message: 'malformed SCRAM message' };
    if (bare.startsWith('m=')) return { kind: 'error', message: 'client requires an unsupported SCRAM extension' };
    this.clientFirstBare = bare;
    this.nonce = attrs[1]! + randomBytes(18).toString('base64');
    this.serverFirst = `r=${this.nonce},s=${this.secret.salt.toString('base64')},i=${this.secret.iterations}`;
    return { kind: 'continue', data: this.serverFirst };
  }

  clientFinal(msg: string): ScramFinal {
    const m = /^c=([A-Za-z0-9+/=]*),r=([^,]*)(?:,[^p][^,]*)*,p=([A-Za-z0-9+/=]+)$/.exec(msg);
    if (!m) return { kind: 'error', message: 'malformed SCRAM message' };
    if (!safeEqual(Buffer.from(m[1]!, 'base64'), this.expectedBinding)) {
      return { kind: 'error', message: 'SCRAM channel binding check failed' };
    }
    if (m[2] !== this.nonce) return { kind: 'error', message: 'SCRAM nonce mismatch' };
    const proof = Buffer.from(m[3]!, 'base64');
    if (proof.length !== 32) return { kind: 'error', message: 'malformed SCRAM message' };
    const withoutProof = msg.slice(0, msg.lastIndexOf(',p='));
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(this.secret.storedKey, authMessage);
    const clientKey = Buffer.alloc(32);
    for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (this.mock || !safeEqual(sha256(clientKey), this.secret.storedKey)) return { kind: 'fail' };
    const serverSignature = hmac(this.secret.serverKey, authMessage);
    return { kind: 'ok', data: `v=${serverSignature.toString('base64')}` };
  }
}
