// EXPLAIN's output formats, laid out as PostgreSQL 15's explain.c lays them out.
//
// TEXT: one line per node or detail. The root's details are indented 2 spaces; a child at depth
// d (≥ 1) starts with 6·d−4 spaces and "->  ", its details with 6·d+2 spaces. Costs follow the
// headline after two spaces: `  (cost=S..T rows=R width=W)`; under ANALYZE one space and
// `(actual time=a..b rows=r loops=l)` (or `(actual rows=r loops=l)` with TIMING OFF). After
// the tree: `Planning Time: x ms`, `Execution Time: y ms` (SUMMARY).
// JSON: `[ { "Plan": { … }, "Planning Time": …, "Triggers": [], "Execution Time": … } ]` with
// PostgreSQL's key order and its number formats (costs with 2 decimals, times with 3).

import { lazy, type ExplainNode } from './explain-node.js';
import { qualifyFor, type DeparseOptions } from './explain-deparse.js';
import type { Actual, Measured } from './explain-analyze.js';

export interface FormatOptions {
  costs: boolean;
  verbose: boolean;
  analyze: boolean;
  timing: boolean;
  summary: boolean;
  deparse: DeparseOptions;
}

export interface Summary {
  planningMs?: number;
  executionMs?: number;
}

/** Keys PostgreSQL prints before "Parent Relationship". */
const EARLY_KEYS = new Set(['Strategy', 'Partial Mode', 'Operation']);

function lineOptions(n: ExplainNode, label: string, o: FormatOptions): DeparseOptions {
  return { ...o.deparse, qualify: qualifyFor(n.type, label, o.deparse) };
}

function costText(n: ExplainNode): string {
  const e = n.est;
  return `(cost=${e.startup.toFixed(2)}..${e.total.toFixed(2)} rows=${Math.round(e.rows)} width=${Math.round(e.width)})`;
}

function actualText(a: Actual | undefined, timing: boolean): string {
  if (!a || a.loops === 0) return '(never executed)';
  const rows = Math.round(a.rows / a.loops);
  if (!timing) return `(actual rows=${rows} loops=${a.loops})`;
  return `(actual time=${(a.startupMs / a.loops).toFixed(3)}..${(a.totalMs / a.loops).toFixed(3)} rows=${rows} loops=${a.loops})`;
}

function headlineOf(n: ExplainNode, o: FormatOptions): string {
  if (!o.verbose) return n.headline;
  // VERBOSE names relations with their schema: "Seq Scan on public.t".
  const schema = n.props.find(([k]) => k === 'Schema')?.[1];
  const rel = n.props.find(([k]) => k === 'Relation Name')?.[1];
  if (schema === undefined || rel === undefined) return n.headline;
  return n.headline.replace(/ on ([^ ]+)/, (_m, r: string) => (r === rel || r === `"${String(rel)}"` ? ` on ${String(schema)}.${r}` : ` on ${r}`));
}

export function formatText(root: ExplainNode, o: FormatOptions, m: Measured | undefined, s: Summary): string[] {
  const out: string[] = [];
  // `arrow`: spaces before "->  " (undefined for the root); details sit 6 further (2 at the root).
  const walk = (n: ExplainNode, arrow: number | undefined): void => {
    let line = (arrow === undefined ? '' : `${' '.repeat(arrow)}->  `) + headlineOf(n, o);
    if (o.costs) line += `  ${costText(n)}`;
    if (o.analyze) line += ` ${actualText(m?.actual(n), o.timing)}`;
    out.push(line);
    const padWidth = arrow === undefined ? 2 : arrow + 6;
    const pad = ' '.repeat(padWidth);
    if (o.verbose && n.outputs) out.push(`${pad}Output: ${n.outputs.map((x) => lazy(x, lineOptions(n, 'Output', o))).join(', ')}`);
    for (const d of n.details) {
      const text = lazy(d.text, lineOptions(n, d.label, o));
      out.push(d.label === '' ? `${pad}${text}` : `${pad}${d.label}: ${text}`);
      if (o.analyze && d.label === 'Filter') {
        const removed = m?.removedByFilter(n);
        // Text omits a zero count (explain.c's show_instrumentation_count); JSON always has it.
        if (removed !== undefined && removed > 0) out.push(`${pad}Rows Removed by Filter: ${removed}`);
      }
    }
    for (const sp of n.subplans ?? []) {
      out.push(`${pad}${sp.name}`);
      walk(sp.node, padWidth + 2);
    }
    for (const c of n.children) walk(c, padWidth);
  };
  walk(root, undefined);
  if (s.planningMs !== undefined) out.push(`Planning Time: ${s.planningMs.toFixed(3)} ms`);
  if (s.executionMs !== undefined) out.push(`Execution Time: ${s.executionMs.toFixed(3)} ms`);
  return out;
}

/** A number printed as PostgreSQL prints it inside JSON (no quotes, fixed decimals). */
class Raw {
  constructor(readonly text: string) {}
}

type J = string | number | boolean | Raw | J[] | Array<[string, J]> | { obj: Array<[string, J]> };

function isObj(v: J): v is { obj: Array<[string, J]> } {
  return typeof v === 'object' && !(v instanceof Raw) && !Array.isArray(v);
}

function render(v: J, indent: string): string {
  if (v instanceof Raw) return v.text;
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const inner = indent + '  ';
  if (isObj(v)) {
    if (v.obj.length === 0) return '{}';
    return `{\n${v.obj.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${render(x, inner)}`).join(',\n')}\n${indent}}`;
  }
  if (v.length === 0) return `[\n${indent}]`; // PostgreSQL opens and closes an empty array on two lines
  // Lists of values (Output, Sort Key, Group Key) stay on one line, as ExplainPropertyList prints them.
  if ((v as J[]).every((x) => typeof x === 'string')) return `[${(v as string[]).map((x) => JSON.stringify(x)).join(', ')}]`;
  return `[\n${(v as J[]).map((x) => `${inner}${render(x, inner)}`).join(',\n')}\n${indent}]`;
}

/** `subplan`: the heading of a sub-plan (`CTE w`): "Parent Relationship": "InitPlan" and "Subplan Name". */
function planJson(n: ExplainNode, o: FormatOptions, m: Measured | undefined, subplan?: string): { obj: Array<[string, J]> } {
  const p: Array<[string, J]> = [['Node Type', n.type]];
  for (const [k, v] of n.props) if (EARLY_KEYS.has(k)) p.push([k, v]);
  if (subplan !== undefined) p.push(['Parent Relationship', 'InitPlan'], ['Subplan Name', subplan]);
  else if (n.relationship) p.push(['Parent Relationship', n.relationship]);
  p.push(['Parallel Aware', false], ['Async Capable', false]);
  for (const [k, v] of n.props) if (!EARLY_KEYS.has(k) && (k !== 'Schema' || o.verbose)) p.push([k, v]);
  if (o.costs) {
    p.push(['Startup Cost', new Raw(n.est.startup.toFixed(2))], ['Total Cost', new Raw(n.est.total.toFixed(2))]);
    p.push(['Plan Rows', Math.round(n.est.rows)], ['Plan Width', Math.round(n.est.width)]);
  }
  if (o.analyze) {
    const a = m?.actual(n);
    const loops = a?.loops ?? 0;
    if (o.timing) {
      p.push(['Actual Startup Time', new Raw(loops ? (a!.startupMs / loops).toFixed(3) : '0.000')]);
      p.push(['Actual Total Time', new Raw(loops ? (a!.totalMs / loops).toFixed(3) : '0.000')]);
    }
    p.push(['Actual Rows', loops ? Math.round(a!.rows / loops) : 0], ['Actual Loops', loops]);
  }
  if (o.verbose && n.outputs) p.push(['Output', n.outputs.map((x) => lazy(x, lineOptions(n, 'Output', o)))]);
  for (const d of n.details) {
    const text = lazy(d.text, lineOptions(n, d.label, o));
    if (d.label === '') {
      // A verbatim line "Label: text" from describe(): its label becomes the key.
      const colon = text.indexOf(': ');
      p.push(colon > 0 ? [text.slice(0, colon), text.slice(colon + 2)] : ['Detail', text]);
      continue;
    }
    p.push([d.label, d.list ? splitList(text) : text]);
    if (o.analyze && d.label === 'Filter') {
      const removed = m?.removedByFilter(n);
      if (removed !== undefined) p.push(['Rows Removed by Filter', removed]);
    }
  }
  const plans = [
    ...(n.subplans ?? []).map((sp) => planJson(sp.node, o, m, sp.name)),
    ...n.children.map((c) => planJson(c, o, m)),
  ];
  if (plans.length > 0) p.push(['Plans', plans]);
  return { obj: p };
}

/** "a, (b + c) DESC" → ["a", "(b + c) DESC"]: commas inside parentheses or quotes do not split. */
function splitList(s: string): string[] {
  const out: string[] = [];
  let depth = 0, quote = false, cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === "'" || ch === '"') quote = !quote;
    if (!quote && ch === '(') depth++;
    if (!quote && ch === ')') depth--;
    if (!quote && depth === 0 && ch === ',' && s[i + 1] === ' ') {
      out.push(cur);
      cur = '';
      i++;
      continue;
    }
    cur += ch;
  }
  out.push(cur);
  return out;
}

export function formatJson(root: ExplainNode, o: FormatOptions, m: Measured | undefined, s: Summary): string {
  const top: Array<[string, J]> = [['Plan', planJson(root, o, m)]];
  if (s.planningMs !== undefined) top.push(['Planning Time', new Raw(s.planningMs.toFixed(3))]);
  if (o.analyze) top.push(['Triggers', []]);
  if (s.executionMs !== undefined) top.push(['Execution Time', new Raw(s.executionMs.toFixed(3))]);
  return render([{ obj: top }], '');
}
