// The server-wide SQL engine (planner/api.ts Engine): the database list, the function registry,
// and the open sessions (DROP DATABASE must know who is connected where).

import { DbError } from '../catalog/index.js';
import type { Engine, SessionOptions, SqlSession } from './api.js';
import { DatabaseStore } from './databases/store.js';
import { FunctionRegistry } from './funcs/registry.js';
import { loadParser } from './parse/parser.js';
import { join } from 'node:path';
import { TablesServer } from './rel/index.js';
import { PlannerSession, type SessionHost } from './session/session.js';
import { externalHostFor, type ExternalHost } from './external/host.js'; // issue 5

/** Where the engine reports what happened; any logger with these methods fits. */
export interface EngineLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export interface EngineOptions {
  /** The server's data directory (created if missing). */
  dataDir: string;
  logger?: EngineLogger;
  /** issue 5: allowed roots for external tables (default: `<dataDir>/external`, created when missing). */
  externalRoots?: readonly string[];
  /** Preallocated size of each WAL file in bytes (0 = off). Default: the storage engine's, 16 MiB. */
  walPreallocBytes?: number;
}

export async function createEngine(opts: EngineOptions): Promise<Engine> {
  await loadParser();
  const dbs = await DatabaseStore.open(opts.dataDir);
  // issue 4: one LsmDb for the server's native tables (catalog included), in <dataDir>/lsm.
  const tables = await TablesServer.open({ dir: join(opts.dataDir, 'lsm'), ...(opts.walPreallocBytes !== undefined ? { walPreallocBytes: opts.walPreallocBytes } : {}) });
  const external = externalHostFor(opts.dataDir, opts.externalRoots); // issue 5: DuckDB opens on first use
  return new PlannerEngine(dbs, opts.logger, tables, external);
}

class PlannerEngine implements Engine, SessionHost {
  readonly registry = new FunctionRegistry();
  private readonly sessions = new Set<PlannerSession>();
  private closing = false;

  constructor(private readonly dbs: DatabaseStore, private readonly logger: EngineLogger | undefined, readonly tables?: TablesServer, readonly external?: ExternalHost) {}

  openSession(opts: SessionOptions): SqlSession {
    if (this.closing) throw new DbError('57P01', 'terminating connection due to administrator command', { severity: 'FATAL' });
    if (!this.dbs.has(opts.database)) {
      throw new DbError('3D000', `database "${opts.database}" does not exist`, { severity: 'FATAL' });
    }
    const s = new PlannerSession(this, opts);
    this.sessions.add(s);
    return s;
  }

  databaseExists(name: string): boolean {
    return this.dbs.has(name);
  }

  async close(): Promise<void> {
    this.closing = true;
    const open = [...this.sessions];
    for (const s of open) s.close();
    // Sessions drop their temporary schemas before the storage closes.
    await Promise.all(open.map((s) => s.tablesClosed));
    await this.dbs.flush();
    await this.tables?.close(); // issue 4
    await this.external?.close(); // issue 5
  }

  // --- SessionHost ---------------------------------------------------------------------------

  async createDatabase(name: string): Promise<void> {
    await this.dbs.create(name);
    this.logger?.info('database created', { database: name });
  }

  async dropDatabase(name: string, missingOk: boolean, force: boolean, by: PlannerSession): Promise<boolean> {
    if (!this.dbs.has(name)) {
      if (missingOk) {
        by.notice({ severity: 'NOTICE', code: '00000', message: `database "${name}" does not exist, skipping` });
        return false;
      }
      throw new DbError('3D000', `database "${name}" does not exist`);
    }
    if (name === by.database) throw new DbError('55006', 'cannot drop the currently open database');
    const others = [...this.sessions].filter((s) => s.database === name);
    if (others.length > 0) {
      if (force) throw new DbError('0A000', 'DROP DATABASE ... WITH (FORCE) is not supported yet');
      throw new DbError('55006', `database "${name}" is being accessed by other users`, {
        detail: `There ${others.length === 1 ? 'is 1 other session' : `are ${others.length} other sessions`} using the database.`,
      });
    }
    const dropped = await this.dbs.drop(name);
    if (dropped) await this.tables?.dropDatabase(name); // issue 4: its tables go with it
    if (dropped) this.logger?.info('database dropped', { database: name });
    return dropped;
  }

  sessionClosed(s: PlannerSession): void {
    this.sessions.delete(s);
  }
}
