// Index of built-in functions and operators by name, built once per engine from the tables in
// this folder. The binder asks it for the candidates of a name; resolution is bind/resolve.ts.

import type { FnDef } from './def.js';
import { buildOperators } from './operators.js';
import { byteaFunctions, stringFunctions } from './string.js';
import { jsonFunctions, jsonOperators } from './json.js';
import { mathFunctions } from './math.js';
import { miscFunctions } from './misc.js';
import { datetimeFunctions, datetimeOperators } from './datetime.js';
import { arrayRegexpFunctions } from './array-regexp.js';
import { windowFunctions, type WindowFnDef } from './window.js';
import { pgCatalogFunctions } from './pg-catalog-fns.js';

export class FunctionRegistry {
  private readonly ops = new Map<string, FnDef[]>();
  private readonly fns = new Map<string, FnDef[]>();
  private readonly windows = windowFunctions();

  constructor() {
    for (const d of [...buildOperators(), ...datetimeOperators(), ...jsonOperators()]) push(this.ops, d.name, d);
    for (const d of [...stringFunctions(), ...byteaFunctions(), ...jsonFunctions(), ...mathFunctions(), ...miscFunctions(), ...datetimeFunctions(), ...arrayRegexpFunctions(), ...pgCatalogFunctions()]) push(this.fns, d.name, d);
  }

  /** Operators named `name` with the given number of operands (1 = prefix). */
  operators(name: string, arity: 1 | 2): FnDef[] {
    return (this.ops.get(name) ?? []).filter((d) => d.args.length === arity);
  }

  functions(name: string): FnDef[] | undefined {
    return this.fns.get(name);
  }

  /** Window functions (row_number, lag, ...): callable only with OVER. */
  windowFunction(name: string): WindowFnDef | undefined {
    return this.windows.get(name);
  }
}

function push(m: Map<string, FnDef[]>, k: string, d: FnDef): void {
  const l = m.get(k);
  if (l) l.push(d);
  else m.set(k, [d]);
}
