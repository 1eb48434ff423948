// Server configuration: defaults < JSON config file < PYRALOG_* environment < command line.
//
// Invariants:
// - Parsing is pure: it reads the argv/env it is given and the config file named in them, and
//   returns either a complete ServerConfig or a message for the user (never throws for bad input).
// - Passwords are turned into SCRAM secrets (and md5 hashes) here; no plaintext leaves this file.
// - With no users configured the server runs under `trust` and may only bind a loopback address.

import { readFileSync } from 'node:fs';
import { isLogLevel, type LogLevel } from './log.js';
import { makeScramSecret, md5Hash, parseScramSecret, type AuthMethod, type UserAuth } from './auth.js';

export interface ServerConfig {
  host: string;
  port: number;
  dataDir: string;
  logLevel: LogLevel;
  tlsCertFile: string | undefined;
  tlsKeyFile: string | undefined;
  maxConnections: number;
  /** Largest frontend message accepted; larger ones end the connection with 08P01. */
  maxMessageBytes: number;
  /** Statements running at least this long are logged; -1 disables. */
  logMinDurationMs: number;
  /** On SIGINT/SIGTERM running statements get this long before they are cancelled. */
  shutdownGraceMs: number;
  /** A connection must finish start-up and authentication within this time. */
  authTimeoutMs: number;
  users: UserAuth[];
  /** Allowed roots for external tables; empty: `<dataDir>/external` (issue 5). */
  externalRoots: string[];
  /** Size each WAL file is zero-filled to ahead of use (0 = no preallocation); undefined = the
   *  storage engine's default (16 MiB). Bounded: a spare file of this size is kept ready too. */
  walPreallocBytes: number | undefined;
}

export const DEFAULTS: Readonly<Omit<ServerConfig, 'users' | 'externalRoots'>> = Object.freeze({
  host: '127.0.0.1',
  port: 5433,
  dataDir: './data',
  logLevel: 'info',
  tlsCertFile: undefined,
  tlsKeyFile: undefined,
  maxConnections: 100,
  maxMessageBytes: 64 * 1024 * 1024,
  logMinDurationMs: -1,
  shutdownGraceMs: 5000,
  authTimeoutMs: 60_000,
  walPreallocBytes: undefined,
});

/** The largest --wal-prealloc-bytes: 1 GiB (each WAL file and its ready spare take this much disk). */
export const WAL_PREALLOC_BYTES_MAX = 1024 * 1024 * 1024;

export const USAGE = `Usage: pyralog [options]
  --host ADDR               listen address (default 127.0.0.1; PYRALOG_HOST)
  --port N                  TCP port (default 5433; PYRALOG_PORT)
  --data-dir DIR            data directory (default ./data; PYRALOG_DATA_DIR)
  --config FILE             JSON config file with the same keys in camelCase (PYRALOG_CONFIG)
  --log-level LEVEL         debug|info|warn|error|off (default info; PYRALOG_LOG_LEVEL)
  --log-min-duration-ms N   log statements running at least N ms (-1 off; PYRALOG_LOG_MIN_DURATION_MS)
  --tls-cert FILE           PEM certificate: enables SSL (PYRALOG_TLS_CERT)
  --tls-key FILE            PEM private key (PYRALOG_TLS_KEY)
  --max-connections N       connection limit (default 100; PYRALOG_MAX_CONNECTIONS)
  --max-message-bytes N     largest frontend message (default 64 MiB; PYRALOG_MAX_MESSAGE_BYTES)
  --shutdown-grace-ms N     grace period for running statements at shutdown (default 5000)
  --wal-prealloc-bytes N    zero-fill each WAL file to N bytes ahead of use, 0 = off, at most 1 GiB
                            (default 16 MiB; PYRALOG_WAL_PREALLOC_BYTES)
  --external-root DIR       allowed root for external (Parquet) tables (repeatable; PYRALOG_EXTERNAL_ROOTS
                            separated by ':'; default DATA_DIR/external)
  --user NAME:PASSWORD      add a user authenticated with SCRAM-SHA-256 (repeatable;
                            PYRALOG_USERS=name:pw,name2:pw2). Without users: trust, loopback only.
  --help                    print this text
`;

export type ConfigResult = { kind: 'ok'; config: ServerConfig } | { kind: 'help' } | { kind: 'error'; message: string };

interface RawUser {
  name: string;
  password?: string;
  scramSecret?: string;
  method?: string;
}

type Raw = Partial<Omit<ServerConfig, 'users' | 'externalRoots'>> & { users?: RawUser[]; externalRoots?: string[] };

const FLAGS: Record<string, keyof Raw> = {
  '--host': 'host',
  '--port': 'port',
  '--data-dir': 'dataDir',
  '--log-level': 'logLevel',
  '--tls-cert': 'tlsCertFile',
  '--tls-key': 'tlsKeyFile',
  '--max-connections': 'maxConnections',
  '--max-message-bytes': 'maxMessageBytes',
  '--log-min-duration-ms': 'logMinDurationMs',
  '--shutdown-grace-ms': 'shutdownGraceMs',
  '--auth-timeout-ms': 'authTimeoutMs',
  '--wal-prealloc-bytes': 'walPreallocBytes',
};

const ENV: Record<string, keyof Raw> = {
  PYRALOG_HOST: 'host',
  PYRALOG_PORT: 'port',
  PYRALOG_DATA_DIR: 'dataDir',
  PYRALOG_LOG_LEVEL: 'logLevel',
  PYRALOG_TLS_CERT: 'tlsCertFile',
  PYRALOG_TLS_KEY: 'tlsKeyFile',
  PYRALOG_MAX_CONNECTIONS: 'maxConnections',
  PYRALOG_MAX_MESSAGE_BYTES: 'maxMessageBytes',
  PYRALOG_LOG_MIN_DURATION_MS: 'logMinDurationMs',
  PYRALOG_SHUTDOWN_GRACE_MS: 'shutdownGraceMs',
  PYRALOG_WAL_PREALLOC_BYTES: 'walPreallocBytes',
};

const NUMERIC = new Set<keyof Raw>(['port', 'maxConnections', 'maxMessageBytes', 'logMinDurationMs', 'shutdownGraceMs', 'authTimeoutMs', 'walPreallocBytes']);

function parseUserSpec(spec: string): RawUser | string {
  const i = spec.indexOf(':');
  if (i <= 0) return `invalid user "${spec}": expected NAME:PASSWORD`;
  return { name: spec.slice(0, i), password: spec.slice(i + 1) };
}

function setValue(raw: Raw, key: keyof Raw, value: string, origin: string): string | undefined {
  if (NUMERIC.has(key)) {
    if (!/^-?\d+$/.test(value)) return `${origin}: "${value}" is not an integer`;
    (raw as Record<string, unknown>)[key] = Number(value);
  } else {
    (raw as Record<string, unknown>)[key] = value;
  }
  return undefined;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Builds the configuration from argv (without node and script), the environment and files. */
export function parseConfig(argv: readonly string[], env: Record<string, string | undefined>, readFile: (path: string) => string = (p) => readFileSync(p, 'utf8')): ConfigResult {
  const cli: Raw = {};
  const cliUsers: RawUser[] = [];
  const cliRoots: string[] = [];
  let configFile = env['PYRALOG_CONFIG'];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--help' || a === '-h') return { kind: 'help' };
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    let value: string | undefined = a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : undefined;
    const takeValue = (): string | undefined => {
      if (value !== undefined) return value;
      const v = argv[i + 1];
      if (v === undefined) return undefined;
      i++;
      return v;
    };
    if (flag === '--config') {
      value = takeValue();
      if (value === undefined) return { kind: 'error', message: '--config needs a value' };
      configFile = value;
      continue;
    }
    if (flag === '--user') {
      value = takeValue();
      if (value === undefined) return { kind: 'error', message: '--user needs a value' };
      const u = parseUserSpec(value);
      if (typeof u === 'string') return { kind: 'error', message: u };
      cliUsers.push(u);
      continue;
    }
    if (flag === '--external-root') {
      value = takeValue();
      if (value === undefined || value === '') return { kind: 'error', message: '--external-root needs a value' };
      cliRoots.push(value);
      continue;
    }
    const key = FLAGS[flag];
    if (key === undefined) return { kind: 'error', message: `unknown option "${a}" (see --help)` };
    value = takeValue();
    if (value === undefined) return { kind: 'error', message: `${flag} needs a value` };
    const err = setValue(cli, key, value, flag);
    if (err) return { kind: 'error', message: err };
  }

  const fromEnv: Raw = {};
  for (const [name, key] of Object.entries(ENV)) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const err = setValue(fromEnv, key, v, name);
    if (err) return { kind: 'error', message: err };
  }
  const envUsers: RawUser[] = [];
  if (env['PYRALOG_USERS']) {
    for (const spec of env['PYRALOG_USERS'].split(',')) {
      const u = parseUserSpec(spec);
      if (typeof u === 'string') return { kind: 'error', message: `PYRALOG_USERS: ${u}` };
      envUsers.push(u);
    }
  }

  let fromFile: Raw = {};
  if (configFile !== undefined) {
    try {
      const parsed: unknown = JSON.parse(readFile(configFile));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        return { kind: 'error', message: `config file ${configFile}: expected a JSON object` };
      }
      fromFile = parsed as Raw;
      const known = new Set<string>([...Object.values(FLAGS), 'users', 'externalRoots']);
      for (const k of Object.keys(fromFile)) {
        if (!known.has(k)) return { kind: 'error', message: `config file ${configFile}: unknown key "${k}"` };
      }
    } catch (e) {
      return { kind: 'error', message: `config file ${configFile}: ${(e as Error).message}` };
    }
  }

  const merged = { ...DEFAULTS, ...fromFile, ...fromEnv, ...cli } as Record<string, unknown>;
  const rawUsers = cliUsers.length > 0 ? cliUsers : envUsers.length > 0 ? envUsers : (fromFile.users ?? []);
  if (!Array.isArray(rawUsers)) return { kind: 'error', message: 'users must be a list' };
  const check = validate(merged);
  if (check) return { kind: 'error', message: check };
  const envRoots = (env['PYRALOG_EXTERNAL_ROOTS'] ?? '').split(':').filter((r) => r !== '');
  const fileRoots: unknown = fromFile.externalRoots ?? [];
  if (!Array.isArray(fileRoots) || !fileRoots.every((r) => typeof r === 'string' && r !== '')) {
    return { kind: 'error', message: 'externalRoots must be a list of non-empty strings' };
  }
  const externalRoots = cliRoots.length > 0 ? cliRoots : envRoots.length > 0 ? envRoots : (fileRoots as string[]);
  delete merged['externalRoots'];

  const users: UserAuth[] = [];
  for (const u of rawUsers) {
    const made = makeUser(u);
    if (typeof made === 'string') return { kind: 'error', message: made };
    users.push(made);
  }
  const config: ServerConfig = { ...(merged as unknown as Omit<ServerConfig, 'users' | 'externalRoots'>), users, externalRoots };
  if (users.length === 0 && !isLoopback(config.host)) {
    return {
      kind: 'error',
      message: `refusing to listen on non-loopback address ${config.host} without configured users: add --user NAME:PASSWORD (or "users" in the config file), or listen on 127.0.0.1`,
    };
  }
  if ((config.tlsCertFile === undefined) !== (config.tlsKeyFile === undefined)) {
    return { kind: 'error', message: 'TLS needs both --tls-cert and --tls-key' };
  }
  return { kind: 'ok', config };
}

function validate(c: Record<string, unknown>): string | undefined {
  if (typeof c['host'] !== 'string' || c['host'] === '') return 'host must be a non-empty string';
  const int = (k: string, min: number, max: number): string | undefined => {
    const v = c[k];
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? undefined : `${k} must be an integer in [${min}, ${max}]`;
  };
  if (typeof c['dataDir'] !== 'string' || c['dataDir'] === '') return 'dataDir must be a non-empty string';
  if (typeof c['logLevel'] !== 'string' || !isLogLevel(c['logLevel'])) return 'logLevel must be one of debug, info, warn, error, off';
  return (
    int('port', 0, 65535) ??
    int('maxConnections', 1, 100_000) ??
    int('maxMessageBytes', 1024, 1024 * 1024 * 1024 - 1) ??
    int('logMinDurationMs', -1, 2 ** 31 - 1) ??
    int('shutdownGraceMs', 0, 2 ** 31 - 1) ??
    int('authTimeoutMs', 100, 2 ** 31 - 1) ??
    (c['walPreallocBytes'] === undefined ? undefined : int('walPreallocBytes', 0, WAL_PREALLOC_BYTES_MAX))
  );
}

const METHODS: readonly AuthMethod[] = ['scram-sha-256', 'md5', 'password'];

function makeUser(u: RawUser): UserAuth | string {
  if (typeof u !== 'object' || u === null || typeof u.name !== 'string' || u.name === '') return 'each user needs a "name"';
  const method = (u.method ?? 'scram-sha-256') as AuthMethod;
  if (!METHODS.includes(method)) return `user "${u.name}": method must be one of ${METHODS.join(', ')}`;
  if (u.scramSecret !== undefined) {
    if (parseScramSecret(u.scramSecret) === undefined) return `user "${u.name}": scramSecret is not a valid SCRAM-SHA-256 secret`;
    if (method === 'md5') return `user "${u.name}": md5 needs "password" (a SCRAM secret cannot answer md5)`;
    return { name: u.name, method, scramSecret: u.scramSecret, md5Hash: undefined };
  }
  if (typeof u.password !== 'string' || u.password === '') return `user "${u.name}": needs "password" or "scramSecret"`;
  return { name: u.name, method, scramSecret: makeScramSecret(u.password), md5Hash: md5Hash(u.password, u.name) };
}
