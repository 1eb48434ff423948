// wire/ door: everything other folders may import from wire/ is re-exported here.
// (By the layering rules nothing imports wire/ except wire/main.ts and tests.)
export { PgServer, type ServerOptions } from './server.js';
export { Connection, type ServerContext } from './connection.js';
export { BackendRegistry } from './backends.js';
export { parseConfig, isLoopback, DEFAULTS, USAGE, type ServerConfig, type ConfigResult } from './config.js';
export { Logger, type LogLevel } from './log.js';
export { lockDataDir, LOCK_FILE, type LockResult } from './lock.js';
export { makeScramSecret, md5Hash, type UserAuth, type AuthMethod } from './auth.js';
export { FrameReader, FramingError, type Frame } from './framing.js';
export { BackendWriter } from './writer.js';
