// PostgreSQL's overload resolution (func_select_candidate / oper_select_candidate, see the
// "Type Conversion" chapter of the PostgreSQL manual), shared by operators and functions.
//
// Inputs are argument type OIDs (705 for unknown literals and untyped parameters). A candidate
// lists its declared argument types; ANY (a pseudo-OID below) accepts every type.

import { TypeOid } from '../../catalog/index.js';
import { canCoerce } from './casts.js';
import { category, isPreferred, type Category } from './types.js';

/** Pseudo-type accepting any input type (PostgreSQL's "any"/anyelement/anynonarray, simplified). */
export const ANY = -1;

export interface Candidate {
  readonly args: readonly number[];
}

export type Resolution<C> = { kind: 'found'; cand: C } | { kind: 'none' } | { kind: 'ambiguous' };

const UNKNOWN = TypeOid.unknown;

function accepts(declared: number, input: number): boolean {
  return declared === ANY || declared === input || input === UNKNOWN || canCoerce(input, declared, 'i');
}

export function selectCandidate<C extends Candidate>(inputs: readonly number[], all: readonly C[]): Resolution<C> {
  let cands = all.filter((c) => c.args.length === inputs.length);
  if (cands.length === 0) return { kind: 'none' };

  // 1. Exact match; with one unknown side of a binary operator, assume it has the other side's type.
  const exact = cands.find((c) => c.args.every((a, i) => a === inputs[i]));
  if (exact) return { kind: 'found', cand: exact };
  if (inputs.length === 2 && (inputs[0] === UNKNOWN) !== (inputs[1] === UNKNOWN)) {
    const known = inputs[0] === UNKNOWN ? inputs[1]! : inputs[0]!;
    const hit = cands.find((c) => c.args[0] === known && c.args[1] === known);
    if (hit) return { kind: 'found', cand: hit };
  }

  // 2. Candidates every input can reach by implicit coercion.
  cands = cands.filter((c) => c.args.every((a, i) => accepts(a, inputs[i]!)));
  if (cands.length <= 1) return cands.length === 1 ? { kind: 'found', cand: cands[0]! } : { kind: 'none' };

  // 3. Most exact matches on known inputs.
  cands = keepBest(cands, (c) => c.args.reduce((n, a, i) => n + (a === inputs[i] && inputs[i] !== UNKNOWN ? 1 : 0), 0));
  if (cands.length === 1) return { kind: 'found', cand: cands[0]! };

  // 4. Most preferred types at positions needing coercion.
  cands = keepBest(cands, (c) =>
    c.args.reduce((n, a, i) => n + (a !== inputs[i] && inputs[i] !== UNKNOWN && a !== ANY && isPreferred(a) ? 1 : 0), 0),
  );
  if (cands.length === 1) return { kind: 'found', cand: cands[0]! };

  // 5. Unknown inputs: pick the category the candidates agree on (string wins), then preferred types.
  if (inputs.some((x) => x === UNKNOWN)) {
    let survivors = cands;
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i] !== UNKNOWN) continue;
      const cats = new Set<Category>();
      for (const c of survivors) if (c.args[i] !== ANY) cats.add(category(c.args[i]!));
      let cat: Category | undefined;
      if (cats.has('S')) cat = 'S';
      else if (cats.size === 1) cat = [...cats][0];
      if (cat === undefined) continue;
      const inCat = survivors.filter((c) => c.args[i] === ANY || category(c.args[i]!) === cat);
      const preferred = inCat.filter((c) => c.args[i] !== ANY && isPreferred(c.args[i]!));
      survivors = preferred.length > 0 ? preferred : inCat;
    }
    if (survivors.length === 1) return { kind: 'found', cand: survivors[0]! };
    if (survivors.length > 0) cands = survivors;

    // 6. Unknowns assumed to have the type of the known inputs when those all agree.
    const known = inputs.filter((x) => x !== UNKNOWN);
    if (known.length > 0 && known.every((k) => k === known[0])) {
      const assumed = inputs.map((x) => (x === UNKNOWN ? known[0]! : x));
      const fit = cands.filter((c) => c.args.every((a, i) => accepts(a, assumed[i]!)));
      if (fit.length === 1) return { kind: 'found', cand: fit[0]! };
    }
  }
  // Candidates that differ only in ANY positions are the same to the caller: take the first.
  return cands.length === 1 ? { kind: 'found', cand: cands[0]! } : { kind: 'ambiguous' };
}

function keepBest<C>(cands: C[], score: (c: C) => number): C[] {
  let best = -1;
  let out: C[] = [];
  for (const c of cands) {
    const s = score(c);
    if (s > best) {
      best = s;
      out = [c];
    } else if (s === best) out.push(c);
  }
  return out;
}
