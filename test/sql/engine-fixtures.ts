// Real engines for tests, opened and closed by vitest hooks: one per test file with the LsmDb under
// it (useLsmEngine: for tests that look at the storage — flush, compactNow, vectorStats, stats —
// as well as at SQL results), or a fresh one per test (useEngineEach). No mocks: the engine is
// harness.ts's openEngine over a temporary directory.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Engine } from '../../planner/api.js';
import type { LsmDb } from '../../lsm/index.js';
import type pg from 'pg';
import { Client, openEngine } from './harness.js';
import { makeContext, makeEngine, pgClient } from '../wire/harness.js';

/** The engine's LsmDb. planner/ keeps it private (engine.tables.db); only tests reach in. */
export function lsmOf(engine: Engine): LsmDb {
  return (engine as unknown as { tables: { db: LsmDb } }).tables.db;
}

/** The fixture of useLsmEngine / useEngineEach: set before a test runs. */
export interface LsmEngine {
  engine: Engine;
  db: LsmDb;
  /** The first session. */
  c: Client;
  /** Another session on the same engine (closed with it). */
  client(): Client;
}

/**
 * beforeAll: a fresh engine, its LsmDb and a first client, then `setup`; afterAll: every client
 * opened through the fixture, then the engine, closed. Read the fields inside tests and hooks.
 */
export function useLsmEngine(setup?: (e: LsmEngine) => Promise<void>): LsmEngine {
  return useEngine(beforeAll, afterAll, setup);
}

/** useLsmEngine's fixture, but a fresh engine for every test (beforeEach / afterEach). */
export function useEngineEach(setup?: (e: LsmEngine) => Promise<void>): LsmEngine {
  return useEngine(beforeEach, afterEach, setup);
}

function useEngine(before: typeof beforeAll, after: typeof afterAll, setup: ((e: LsmEngine) => Promise<void>) | undefined): LsmEngine {
  let clients: Client[] = [];
  const fx = {} as LsmEngine;
  before(async () => {
    const engine = (await openEngine()).engine;
    const client = (): Client => {
      const c = Client.open(engine);
      clients.push(c);
      return c;
    };
    Object.assign(fx, { engine, db: lsmOf(engine), client });
    fx.c = client();
    await setup?.(fx);
  });
  after(async () => {
    const open = clients;
    clients = [];
    for (const c of open.reverse()) await c.close();
    await (fx.engine as Engine | undefined)?.close();
  });
  return fx;
}

/** The fixture of usePgClientsEach: a fresh engine per test, reached by real `pg` clients. */
export interface PgClients {
  /** Opens a fresh engine (closing nothing: afterEach does) and returns its first two clients. */
  start(): Promise<[pg.Client, pg.Client]>;
  /** Another `pg` client of the current engine (closed after the test). */
  connect(): Promise<pg.Client>;
}

/**
 * For transcripts of several sessions: node-postgres clients over the real wire Connection on an
 * in-memory transport (test/wire/harness.ts), a fresh engine per test; afterEach ends every
 * client, then closes the engine.
 */
export function usePgClientsEach(): PgClients {
  let engine: Engine | undefined;
  const clients: pg.Client[] = [];
  const connect = async (): Promise<pg.Client> => {
    const { client } = pgClient(makeContext(engine!));
    await client.connect();
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.end().catch(() => undefined);
    await engine?.close();
    engine = undefined;
  });
  return {
    connect,
    async start() {
      engine = await makeEngine();
      return [await connect(), await connect()];
    },
  };
}
