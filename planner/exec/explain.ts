// EXPLAIN [ANALYZE] as a statement: options with PostgreSQL's validation and messages, the
// explained statement planned afresh on every execution (so estimates see current table sizes,
// and ANALYZE instruments a plan no other execution shares), and the result as one text column
// "QUERY PLAN" — one row per line (TEXT) or one row holding the document (JSON).
//
// ANALYZE runs the statement for real inside the session's current transaction, exactly as
// PostgreSQL does: EXPLAIN ANALYZE UPDATE updates, and a ROLLBACK undoes it.

import { DbError, type TableDesc } from '../../catalog/index.js';
import type { Binder } from '../bind/binder.js';
import { tryCoerce } from '../bind/coerce.js';
import type { EvalContext, Value } from '../bind/expr.js';
import { ParamTypes } from '../bind/params.js';
import { t, typeName, T } from '../bind/types.js';
import { compile } from '../eval/compile.js';
import type { DefElem, ExecuteStmt, ExplainStmt, Node, SelectStmt } from '../parse/ast.js';
import type { SourceText } from '../parse/parser.js';
import type { TablePlan } from '../dml/index.js';
import { planTableStatement } from '../dml/index.js';
import type { TableSession } from '../rel/index.js';
import type { RelNode } from '../rel/ops.js';
import type { ExternalHost } from '../external/host.js';
import { externalTablesIn, planExternalStatement, runWithExternal } from '../external/dispatch.js';
import { planQuery, type QueryPlan } from './query.js';
import { type EstimateContext, type ExplainNode } from './explain-node.js';
import { Measured } from './explain-analyze.js';
import { formatJson, formatText, type FormatOptions, type Summary } from './explain-format.js';
import { modifyTree, opaqueTree, operatorTree, type Explained } from './explain-plan.js';

export interface ExplainOptions {
  analyze: boolean;
  verbose: boolean;
  costs: boolean;
  timing: boolean;
  summary: boolean;
  buffers: boolean;
  format: 'text' | 'json';
}

/** What EXPLAIN needs from the session. */
export interface ExplainHost {
  /** A binder over `source` whose parameters are `params` (a fresh one per planning). */
  binder(source: SourceText, params: ParamTypes): Binder;
  readonly tables: TableSession | undefined;
  readonly external: ExternalHost | undefined;
  /** SQL-level prepared statements (EXPLAIN EXECUTE). */
  prepared(name: string): { readonly stmt: { readonly ast: Node; readonly source: SourceText }; readonly paramOids: readonly number[] } | undefined;
}

function boolOption(d: DefElem): boolean {
  const a = d.arg as { kind: string; sval?: string; ival?: number; boolval?: boolean } | undefined;
  if (!a) return true;
  const bad = (): DbError => new DbError('42601', `${d.defname} requires a Boolean value`);
  switch (a.kind) {
    case 'Integer':
      if ((a.ival ?? 0) === 0) return false;
      if (a.ival === 1) return true;
      throw bad();
    case 'Boolean':
      return a.boolval === true;
    case 'String': {
      const s = (a.sval ?? '').toLowerCase();
      // parse_bool's spellings: unique prefixes of true/false/yes/no, on/off, 1/0 ("o" and "of" are ambiguous).
      if (['true', 'on', 't', 'tr', 'tru', 'yes', 'y', 'ye', '1'].includes(s)) return true;
      if (['false', 'off', 'f', 'fa', 'fal', 'fals', 'no', 'n', '0'].includes(s)) return false;
      throw bad();
    }
    default:
      throw bad();
  }
}

/** PostgreSQL's ExplainQuery option checks, in its order and wording. */
export function parseExplainOptions(options: readonly Node[] | undefined, position: (loc: number) => number | undefined): ExplainOptions {
  const o: ExplainOptions = { analyze: false, verbose: false, costs: true, timing: true, summary: false, buffers: false, format: 'text' };
  let timingSet = false, summarySet = false, wal = false;
  const at = (d: DefElem): { position: number } | Record<string, never> => {
    const p = d.location !== undefined ? position(d.location) : undefined;
    return p !== undefined ? { position: p } : {};
  };
  for (const n of options ?? []) {
    const d = n as DefElem;
    const name = d.defname ?? '';
    switch (name) {
      case 'analyze': o.analyze = boolOption(d); break;
      case 'verbose': o.verbose = boolOption(d); break;
      case 'costs': o.costs = boolOption(d); break;
      case 'buffers': o.buffers = boolOption(d); break;
      case 'wal': wal = boolOption(d); break;
      case 'settings': boolOption(d); break; // no planner setting differs from its default: nothing to print
      case 'timing': timingSet = true; o.timing = boolOption(d); break;
      case 'summary': summarySet = true; o.summary = boolOption(d); break;
      case 'format': {
        const a = d.arg as { kind: string; sval?: string } | undefined;
        const v = (a?.kind === 'String' ? a.sval ?? '' : '').toLowerCase();
        if (v === 'text' || v === 'json') o.format = v;
        else if (v === 'xml' || v === 'yaml') throw new DbError('0A000', `EXPLAIN format ${v.toUpperCase()} is not supported; use TEXT or JSON`);
        else throw new DbError('22023', `unrecognized value for EXPLAIN option "format": "${a?.sval ?? ''}"`, at(d));
        break;
      }
      default:
        throw new DbError('42601', `unrecognized EXPLAIN option "${name}"`, at(d));
    }
  }
  if (wal && !o.analyze) throw new DbError('22023', 'EXPLAIN option WAL requires ANALYZE');
  if (timingSet && o.timing && !o.analyze) throw new DbError('22023', 'EXPLAIN option TIMING requires ANALYZE');
  if (!timingSet) o.timing = o.analyze;
  if (!summarySet) o.summary = o.analyze;
  return o;
}

/** The statement EXPLAIN describes, planned. */
interface Inner {
  explained: Explained;
  /** Runs it (ANALYZE): resolves to the rows it returned and its command tag. */
  run(ctx: EvalContext): Promise<{ rows: number; tag: string }>;
  /** EXPLAIN EXECUTE: the parameter values the statement runs (and is shown) with. */
  bindParams?(ctx: EvalContext): Value[];
  paramTypes?: readonly number[];
}

export function planExplain(host: ExplainHost, stmt: ExplainStmt, source: SourceText, params: ParamTypes): TablePlan {
  const b0 = host.binder(source, params);
  const opts = parseExplainOptions(stmt.options, (l) => b0.position(l));
  const query = stmt.query;
  if (!query) throw new DbError('42601', 'EXPLAIN without a statement');
  // Planned now for its errors and parameter types; planned again at each execution.
  planInner(host, b0, query, opts);
  return {
    columns: [{ name: 'QUERY PLAN', type: T.text }],
    async run(ctx) {
      const t0 = performance.now();
      const b = host.binder(source, new ParamTypes(params.finish()));
      const inner = planInner(host, b, query, opts);
      const planningMs = performance.now() - t0;
      const values = inner.bindParams?.(ctx);
      const cx: EstimateContext = { tableRows: (tab) => tableRows(host.tables, tab) };
      let measured: Measured | undefined;
      let executionMs: number | undefined;
      let tree: ExplainNode;
      if (opts.analyze) {
        measured = new Measured(opts.timing);
        for (const op of inner.explained.operators()) measured.instrument(op);
        const runCtx = values ? { ...ctx, params: values } : ctx;
        const t1 = performance.now();
        const r = await inner.run(runCtx);
        executionMs = performance.now() - t1;
        // Built after the run: some operators describe what their last execution did.
        tree = inner.explained.tree(cx, measured, { ...r, ms: executionMs });
      } else tree = inner.explained.tree(cx, undefined, undefined);
      const fo: FormatOptions = {
        costs: opts.costs, verbose: opts.verbose, analyze: opts.analyze, timing: opts.timing, summary: opts.summary,
        deparse: {
          qualify: false, multi: tree.relations > 1, verbose: opts.verbose, fmt: ctx.fmt, subplans: new Map(),
          ...(values ? { paramValues: values, paramTypes: inner.paramTypes ?? [] } : {}),
        },
      };
      const summary: Summary = opts.summary ? { planningMs, ...(executionMs !== undefined ? { executionMs } : {}) } : {};
      const rows = opts.format === 'json' ? [[formatJson(tree, fo, measured, summary)]] : formatText(tree, fo, measured, summary).map((l) => [l]);
      return { rows, tag: 'EXPLAIN' };
    },
  };
}

function tableRows(ts: TableSession | undefined, tab: TableDesc): { rows: number; bytes: number } {
  if (!ts || tab.external !== undefined) return { rows: 1000, bytes: 1000 * 64 };
  return ts.db.approximateStats(tab.storageId);
}

function planInner(host: ExplainHost, b: Binder, ast: Node, opts: ExplainOptions): Inner {
  const kind = (ast as { kind: string }).kind;
  switch (kind) {
    case 'SelectStmt':
      return selectInner(host, b, ast as SelectStmt);
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt': {
      if (!host.tables) throw new DbError('0A000', `${kind.replace(/Stmt$/, '').toUpperCase()} needs table storage`);
      const ext = planExternalStatement(b, ast, host.tables, host.external); // writes to external tables: their error
      const tp = ext ?? planTableStatement(b, ast);
      if (!tp?.explain) throw new DbError('0A000', `EXPLAIN of this ${kind.replace(/Stmt$/, '').toUpperCase()} is not supported yet`);
      const shown = tp.explain();
      const explained = modifyTree(shown);
      return {
        explained,
        async run(ctx) {
          const r = await tp.run(ctx);
          return { rows: r.rows.length, tag: r.tag };
        },
      };
    }
    case 'ExecuteStmt':
      return executeInner(host, b, ast as ExecuteStmt, opts);
    case 'DeclareCursorStmt': {
      const q = (ast as { query?: Node }).query;
      if (opts.analyze || !q || (q as { kind: string }).kind !== 'SelectStmt') throw new DbError('0A000', 'EXPLAIN ANALYZE of DECLARE CURSOR is not supported yet');
      return selectInner(host, b, q as SelectStmt);
    }
    case 'CreateTableAsStmt': {
      const q = (ast as { query?: Node }).query;
      if (opts.analyze || !q || (q as { kind: string }).kind !== 'SelectStmt') throw new DbError('0A000', 'EXPLAIN ANALYZE of CREATE TABLE AS is not supported yet');
      return selectInner(host, b, q as SelectStmt);
    }
    default:
      throw new DbError('0A000', `EXPLAIN of ${kind.replace(/Stmt$/, '')} is not supported yet`);
  }
}

function selectInner(host: ExplainHost, b: Binder, s: SelectStmt): Inner {
  const plan: QueryPlan = planQuery(b, s);
  const external = externalTablesIn(s, host.tables);
  const node = (plan as QueryPlan & { node?: unknown }).node;
  const explained = node ? operatorTree(node as RelNode) : opaqueTree(b, s, plan);
  return {
    explained,
    async run(ctx) {
      const rows = external && host.external && host.tables
        ? await runWithExternal(host.external, host.tables, external, ctx, (c) => plan.run(c))
        : await plan.run(ctx);
      return { rows: rows.length, tag: 'SELECT' };
    },
  };
}

/** EXPLAIN EXECUTE name(args): the prepared statement's query, planned afresh, run with the arguments. */
function executeInner(host: ExplainHost, b: Binder, e: ExecuteStmt, opts: ExplainOptions): Inner {
  const name = e.name ?? '';
  const target = host.prepared(name);
  if (!target) throw new DbError('26000', `prepared statement "${name}" does not exist`);
  const given = e.params ?? [];
  if (given.length !== target.paramOids.length) {
    throw new DbError('42601', `wrong number of parameters for prepared statement "${name}"`, {
      detail: `Expected ${target.paramOids.length} parameters but got ${given.length}.`,
    });
  }
  const args = given.map((node, i) => {
    const ex = b.bind(node);
    const want = t(target.paramOids[i]!);
    const c = tryCoerce(b, ex, want, 'a');
    if (!c) {
      throw new DbError('42804', `parameter $${i + 1} of type ${typeName(ex.type)} cannot be coerced to the expected type ${typeName(want)}`, {
        hint: 'You will need to rewrite or cast the expression.',
      });
    }
    return compile(c);
  });
  const inner = planInner(host, host.binder(target.stmt.source, new ParamTypes(target.paramOids)), target.stmt.ast, opts);
  return {
    ...inner,
    // Evaluated when EXPLAIN runs; the plan prints them as the constants they are (a custom plan).
    bindParams: (ctx) => args.map((f) => f([], ctx)),
    paramTypes: target.paramOids,
  };
}
