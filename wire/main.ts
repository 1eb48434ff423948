#!/usr/bin/env node
// The server process: configuration, data-directory lock, engine, listener, signals.
// This is the one file that wires every folder together.
//
// Exit codes: 0 after a clean shutdown, 1 for a start-up failure (bad configuration, data
// directory locked by a live instance, port in use), 2 when shutdown itself failed or was caused
// by an uncaught exception.

import { readFileSync } from 'node:fs';
import { parseConfig, USAGE } from './config.js';
import { lockDataDir } from './lock.js';
import { Logger } from './log.js';
import { PgServer } from './server.js';

async function main(): Promise<number> {
  const parsed = parseConfig(process.argv.slice(2), process.env);
  switch (parsed.kind) {
    case 'help':
      process.stdout.write(USAGE);
      return 0;
    case 'error':
      process.stderr.write(`pyralog: ${parsed.message}\n`);
      return 1;
    case 'ok':
      break;
    default: {
      const never: never = parsed;
      throw new Error(`unknown config result ${String(never)}`);
    }
  }
  const config = parsed.config;
  const log = new Logger(config.logLevel);

  const lock = lockDataDir(config.dataDir);
  if (lock.kind === 'busy') {
    log.error(`data directory ${config.dataDir} is in use by another pyralog server (pid ${lock.pid}); lock file ${lock.path}`);
    return 1;
  }

  let tls: { cert: Buffer; key: Buffer } | undefined;
  try {
    if (config.tlsCertFile !== undefined && config.tlsKeyFile !== undefined) {
      tls = { cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile) };
    }
  } catch (e) {
    log.error('cannot read TLS certificate or key', { error: (e as Error).message });
    lock.release();
    return 1;
  }

  let engine;
  try {
    // Loaded only now: --help and configuration errors answer without loading the SQL engine.
    const { createEngine } = await import('../planner/index.js');
    engine = await createEngine({
      dataDir: config.dataDir, logger: log, externalRoots: config.externalRoots,
      ...(config.walPreallocBytes !== undefined ? { walPreallocBytes: config.walPreallocBytes } : {}),
    });
  } catch (e) {
    log.error('cannot open the database', { error: e });
    lock.release();
    return 1;
  }

  const server = new PgServer({
    engine,
    log,
    users: config.users,
    maxConnections: config.maxConnections,
    maxMessageBytes: config.maxMessageBytes,
    logMinDurationMs: config.logMinDurationMs,
    authTimeoutMs: config.authTimeoutMs,
    tls,
  });
  let port: number;
  try {
    port = await server.listen(config.port, config.host);
  } catch (e) {
    log.error(`cannot listen on ${config.host}:${config.port}: ${(e as Error).message}`);
    await engine.close();
    lock.release();
    return 1;
  }
  log.info(`listening on ${config.host}:${port}`, {
    host: config.host,
    port,
    dataDir: config.dataDir,
    auth: config.users.length === 0 ? 'trust' : 'password',
    tls: tls !== undefined,
  });

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: string, exitCode = 0): void => {
      if (stopping) return;
      stopping = true;
      log.info('shutting down', { signal, connections: server.connectionCount });
      void (async () => {
        let code = exitCode;
        try {
          await server.close(config.shutdownGraceMs);
          await engine.close();
        } catch (e) {
          log.error('shutdown failed', { error: e });
          code = 2;
        }
        lock.release();
        log.info('shut down', { code });
        resolve(code);
      })();
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
    // Connections catch their own failures; anything that still escapes is a bug somewhere
    // else. A stray rejection is logged and the server carries on; an uncaught exception may
    // have left state half-updated, so the server shuts down cleanly instead of guessing.
    process.on('unhandledRejection', (e) => log.error('unhandled promise rejection', { error: e }));
    process.on('uncaughtException', (e) => {
      log.error('uncaught exception: shutting down', { error: e });
      stop('uncaughtException', 2);
    });
  });
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`pyralog: fatal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
