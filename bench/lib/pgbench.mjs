// Run the system `pgbench` binary against a server and parse its summary. The child is spawned
// asynchronously so this process keeps draining the servers' stderr pipes meanwhile (a full
// pipe would stall a server and corrupt the figure).

import { spawn } from 'node:child_process';

const OUTPUT_BYTES_MAX = 1 << 20;

/**
 * @param {{host:string, port:number, user:string, db:string}} server
 * @param {{ script?: string, builtin?: string, mode: 'simple'|'extended'|'prepared', clients: number,
 *           threads?: number, durationS: number, extraArgs?: string[] }} opts
 * @returns {Promise<{ tps: number, failed: number, transactions: number, latencyAvgMs: number, output: string }>}
 */
export function runPgbench(server, opts) {
  const threads = opts.threads ?? Math.min(opts.clients, 2);
  const args = ['-n', '-h', server.host, '-p', String(server.port), '-U', server.user];
  args.push('-c', String(opts.clients), '-j', String(threads), '-T', String(opts.durationS), '-M', opts.mode);
  if (opts.script) args.push('-f', opts.script);
  if (opts.builtin) args.push('-b', opts.builtin);
  args.push(...(opts.extraArgs ?? []), server.db);
  return new Promise((res, rej) => {
    // SSL and GSS negotiation are disabled for every system alike: they only cost connection
    // time, which pgbench excludes from tps anyway, and keep a GSS probe from skewing one side.
    const child = spawn('pgbench', args, {
      env: { ...process.env, PGSSLMODE: 'disable', PGGSSENCMODE: 'disable' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const take = (d) => {
      if (out.length < OUTPUT_BYTES_MAX) out += d.toString();
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', rej);
    child.on('close', (code) => {
      const tps = /tps = ([0-9.]+) \(without initial connection time\)/.exec(out);
      if (code !== 0 || !tps) {
        rej(new Error(`pgbench ${args.join(' ')} failed (exit ${code}):\n${out.slice(-3000)}`));
        return;
      }
      const failed = /number of failed transactions: (\d+)/.exec(out);
      const processed = /number of transactions actually processed: (\d+)/.exec(out);
      const lat = /latency average = ([0-9.]+) ms/.exec(out);
      res({
        tps: Number(tps[1]),
        failed: failed ? Number(failed[1]) : 0,
        transactions: processed ? Number(processed[1]) : NaN,
        latencyAvgMs: lat ? Number(lat[1]) : NaN,
        output: out,
      });
    });
  });
}
