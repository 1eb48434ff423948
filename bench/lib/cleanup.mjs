// A per-run list of synchronous undo actions (stop a server, delete a temp dir), run once at
// the end of a benchmark, on Ctrl-C/SIGTERM, or on an uncaught error. Actions are synchronous
// on purpose: a signal handler or an 'exit' listener cannot await, and a throw-away cluster left
// running after Ctrl-C would keep its port and disk space.
//
// Invariants: each action runs at most once; actions run in reverse order of registration
// (a server is stopped before its directory is deleted); a failing action does not prevent
// the others.

export class Cleanup {
  /** @type {{ name: string, fn: () => void }[]} */
  #actions = [];
  #installed = false;
  #ran = false;

  /** Register an action; returns a function that runs it now (and unregisters it). */
  add(name, fn) {
    const entry = { name, fn };
    this.#actions.push(entry);
    this.#install();
    return () => {
      const i = this.#actions.indexOf(entry);
      if (i < 0) return;
      this.#actions.splice(i, 1);
      runOne(entry);
    };
  }

  /** Run every remaining action (reverse order). Safe to call more than once. */
  runAll() {
    if (this.#ran) return;
    this.#ran = true;
    while (this.#actions.length > 0) runOne(this.#actions.pop());
  }

  #install() {
    if (this.#installed) return;
    this.#installed = true;
    const onSignal = (sig) => {
      process.stderr.write(`\n[bench] ${sig}: stopping servers and removing temp dirs\n`);
      this.runAll();
      process.exit(sig === 'SIGINT' ? 130 : 143);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    process.once('exit', () => this.runAll());
    process.once('uncaughtException', (err) => {
      process.stderr.write(`[bench] uncaught: ${err?.stack ?? err}\n`);
      this.runAll();
      process.exit(1);
    });
  }
}

function runOne(entry) {
  try {
    entry.fn();
  } catch (err) {
    process.stderr.write(`[bench] cleanup "${entry.name}" failed: ${err?.message ?? err}\n`);
  }
}
