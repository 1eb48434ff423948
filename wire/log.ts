// Structured logs: one JSON object per line ({ts, level, msg, ...fields}) on a sink (stderr by
// default). A Logger belongs to a server; there is no global logger.
//
// Invariant: logging never throws (a field that cannot be serialised is replaced by its String).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'off';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, off: 100 };

export function isLogLevel(s: string): s is LogLevel {
  return Object.prototype.hasOwnProperty.call(RANK, s);
}

export type LogFields = Record<string, unknown>;

export class Logger {
  constructor(
    private readonly level: LogLevel,
    private readonly sink: (line: string) => void = (line) => process.stderr.write(line),
    private readonly base: LogFields = {},
  ) {}

  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return RANK[level] >= RANK[this.level];
  }

  /** A logger that adds `fields` to every line (e.g. the connection's pid). */
  child(fields: LogFields): Logger {
    return new Logger(this.level, this.sink, { ...this.base, ...fields });
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }

  private log(level: Exclude<LogLevel, 'off'>, msg: string, fields?: LogFields): void {
    if (RANK[level] < RANK[this.level]) return;
    const rec = { ts: new Date().toISOString(), level, msg, ...this.base, ...fields };
    let line: string;
    try {
      line = JSON.stringify(rec, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message, stack: v.stack } : v));
    } catch {
      line = JSON.stringify({ ts: rec.ts, level, msg, fields: String(fields) });
    }
    try {
      this.sink(line + '\n');
    } catch {
      // A closed stderr must not take the server down.
    }
  }
}
