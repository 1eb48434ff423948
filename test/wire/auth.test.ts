// SCRAM-SHA-256 server exchange against pg's client implementation (the independent oracle),
// md5 and cleartext verification, and the mock exchange for unknown users.
import { describe, it, expect } from 'vitest';
import { createRequire } from 'node:module';
import { createHash, X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScramExchange, makeScramSecret, md5Hash, md5Verify, mockScramSecret, tlsServerEndPoint, verifyPlain } from '../../wire/auth.js';

const require = createRequire(import.meta.url);
const sasl = require('pg/lib/crypto/sasl.js') as {
  startSession(m: string[]): { mechanism: string; clientNonce: string; response: string; message: string };
  continueSession(s: unknown, password: string, serverData: string): Promise<void>;
  finalizeSession(s: unknown, serverData: string): void;
};

async function exchange(secret: string, password: string, mock = false): Promise<{ ok: boolean; verified: boolean }> {
  const server = new ScramExchange(secret, mock);
  const session = sasl.startSession(['SCRAM-SHA-256']);
  const first = server.clientFirst(session.response);
  if (first.kind !== 'continue') throw new Error(first.message);
  await sasl.continueSession(session, password, first.data);
  const fin = server.clientFinal((session as unknown as { response: string }).response);
  if (fin.kind !== 'ok') return { ok: false, verified: false };
  sasl.finalizeSession(session, fin.data); // throws if our server signature is wrong
  return { ok: true, verified: true };
}

describe('SCRAM-SHA-256', () => {
  const secret = makeScramSecret('correct horse');

  it('accepts the right password and proves itself to the client', async () => {
    expect(await exchange(secret, 'correct horse')).toEqual({ ok: true, verified: true });
  });

  it('rejects a wrong password', async () => {
    expect((await exchange(secret, 'wrong')).ok).toBe(false);
  });

  it('rejects everything for a mock (unknown user) secret', async () => {
    expect((await exchange(mockScramSecret('nobody', Buffer.alloc(32, 1)), 'x', true)).ok).toBe(false);
  });

  it('matches a secret computed by hand from RFC 7677 formulas', () => {
    const salt = Buffer.from('0123456789abcdef');
    const s = makeScramSecret('pencil', salt, 4096);
    expect(s.startsWith(`SCRAM-SHA-256$4096:${salt.toString('base64')}$`)).toBe(true);
    expect(verifyPlain(s, 'pencil')).toBe(true);
    expect(verifyPlain(s, 'pencil2')).toBe(false);
  });

  it('reports malformed client messages', () => {
    const ex = new ScramExchange(secret, false);
    expect(ex.clientFirst('garbage').kind).toBe('error');
    expect(new ScramExchange(secret, false).clientFirst('p=tls-server-end-point,,n=,r=abc').kind).toBe('error');
    const ok = new ScramExchange(secret, false);
    expect(ok.clientFirst('n,,n=,r=abcdef').kind).toBe('continue');
    expect(ok.clientFinal('c=biws,r=wrongnonce,p=AAAA').kind).toBe('error');
  });
});

describe('md5', () => {
  it('verifies the client response like libpq computes it', () => {
    const stored = md5Hash('secret', 'alice');
    expect(stored).toBe('md5' + createHash('md5').update('secretalice').digest('hex'));
    const salt = Buffer.from([1, 2, 3, 4]);
    const inner = createHash('md5').update('secretalice').digest('hex');
    const resp = 'md5' + createHash('md5').update(Buffer.concat([Buffer.from(inner), salt])).digest('hex');
    expect(md5Verify(stored, salt, resp)).toBe(true);
    expect(md5Verify(stored, Buffer.from([1, 2, 3, 5]), resp)).toBe(false);
  });
});

describe('SCRAM-SHA-256-PLUS (tls-server-end-point)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pyralog-cb-'));
  function cert(name: string, args: string[]): Buffer {
    const r = spawnSync('openssl', ['req', '-x509', '-nodes', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`), '-days', '1', '-subj', '/CN=localhost', ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return Buffer.from(new X509Certificate(readFileSync(join(dir, `${name}.pem`))).raw);
  }
  const rsa256 = cert('rsa', ['-newkey', 'rsa:2048', '-sha256']);
  const ec384 = cert('ec', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384', '-sha384']);

  it('hashes the certificate with its signature algorithm', () => {
    expect(tlsServerEndPoint(rsa256)).toEqual(createHash('sha256').update(rsa256).digest());
    expect(tlsServerEndPoint(ec384)).toEqual(createHash('sha384').update(ec384).digest());
  });

  for (const [name, der] of [['RSA/SHA-256', rsa256], ['ECDSA/SHA-384', ec384]] as const) {
    it(`binds to the certificate the client saw (${name}), and refuses another one`, async () => {
      const secret = makeScramSecret('pw');
      const run = async (serverCert: Buffer, clientCert: Buffer): Promise<string> => {
        const ex = new ScramExchange(secret, false, tlsServerEndPoint(serverCert));
        const stream = { getPeerCertificate: () => ({ raw: clientCert }) };
        const session = sasl.startSession(['SCRAM-SHA-256-PLUS', 'SCRAM-SHA-256'], stream as never) as unknown as { mechanism: string; response: string };
        expect(session.mechanism).toBe('SCRAM-SHA-256-PLUS');
        const first = ex.clientFirst(session.response, true);
        if (first.kind !== 'continue') return first.message;
        await (sasl.continueSession as (s: unknown, p: string, d: string, st: unknown) => Promise<void>)(session, 'pw', first.data, stream);
        const fin = ex.clientFinal(session.response);
        return fin.kind === 'error' ? fin.message : fin.kind;
      };
      expect(await run(der, der)).toBe('ok');
      expect(await run(der, der === rsa256 ? ec384 : rsa256)).toBe('SCRAM channel binding check failed');
    });
  }

  it('detects a downgrade: the client says it could bind ("y") while the server offered -PLUS', () => {
    const ex = new ScramExchange(makeScramSecret('pw'), false, tlsServerEndPoint(rsa256));
    expect(ex.clientFirst('y,,n=,r=abcdef')).toEqual({ kind: 'error', message: 'SCRAM channel binding negotiation error' });
    const plain = new ScramExchange(makeScramSecret('pw'), false, undefined);
    expect(plain.clientFirst('y,,n=,r=abcdef').kind).toBe('continue');
    expect(new ScramExchange(makeScramSecret('pw'), false, tlsServerEndPoint(rsa256)).clientFirst('p=tls-unique,,n=,r=abc', true)).toEqual({ kind: 'error', message: 'unsupported SCRAM channel-binding type "tls-unique"' });
  });
});
