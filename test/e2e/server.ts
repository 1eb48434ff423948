// Starts the real server process (`node dist/wire/main.js`) on a free port with a temp data dir.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../..');
export const MAIN = join(ROOT, 'dist/wire/main.js');

/** Builds dist/ once if it is missing (the test command builds first; this is for single runs). */
export function ensureBuilt(): void {
  if (existsSync(MAIN)) return;
  spawnSync('npx', ['tsc', '-p', 'tsconfig.json'], { cwd: ROOT, stdio: 'ignore' });
  if (!existsSync(MAIN)) throw new Error('build failed: dist/wire/main.js missing');
}

export interface RunningServer {
  proc: ChildProcess;
  port: number;
  dataDir: string;
  lines: string[];
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

export function tempDataDir(): string {
  return join(mkdtempSync(join(tmpdir(), 'pyralog-e2e-')), 'data');
}

/** Spawns the server; resolves once it logs "listening on", rejects if it exits first. */
export function startServer(args: string[] = [], opts: { dataDir?: string; env?: Record<string, string> } = {}): Promise<RunningServer> {
  ensureBuilt();
  const dataDir = opts.dataDir ?? tempDataDir();
  const proc = spawn(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return new Promise((resolvePromise, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${lines.join('\n')}`)), 20_000);
    proc.stderr!.on('data', (d: Buffer) => {
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        lines.push(line);
        const m = /"msg":"listening on [^"]*:(\d+)"/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolvePromise({
            proc,
            port: Number(m[1]),
            dataDir,
            lines,
            exited,
            stop: (signal = 'SIGTERM') => {
              proc.kill(signal);
              return exited;
            },
          });
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${lines.join('\n')}${buf}`));
    });
  });
}

/** Runs the server expecting it to fail at start-up; returns exit code and stderr. */
export function runExpectingFailure(args: string[], dataDir = tempDataDir()): { code: number | null; stderr: string } {
  ensureBuilt();
  const r = spawnSync(process.execPath, [MAIN, '--port', '0', '--data-dir', dataDir, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stderr: r.stderr };
}
