// Turns libpg-query's JSON (`{ NodeName: { ...fields } }` wrappers) into the tagged shape of
// ast.ts (`{ kind: 'NodeName', ...fields }`). Done once per distinct query text (parses are
// cached), so the binder never pays for it on the hot path.
//
// Invariant: a wrapper is an object with exactly one key that starts with an upper-case letter
// and whose value is an object. Plain field objects (`ival: { ival: 1 }`, `typeName: {...}`)
// have lower-case keys and are copied as they are. PostgreSQL's own `kind` fields (A_Expr,
// VariableSetStmt, TransactionStmt) are renamed so they cannot collide with our discriminant.

const RENAMED_KIND: Record<string, string> = {
  A_Expr: 'exprKind',
  VariableSetStmt: 'varKind',
  TransactionStmt: 'txKind',
};

/** Deepest nesting we follow; the PostgreSQL parser itself limits expression depth similarly. */
const DEPTH_MAX = 10_000;

export function convertNode(raw: unknown, depth = 0): unknown {
  if (depth > DEPTH_MAX) throw new RangeError('AST too deep');
  if (Array.isArray(raw)) return raw.map((x) => convertNode(x, depth + 1));
  if (raw === null || typeof raw !== 'object') return raw;
  const keys = Object.keys(raw);
  if (keys.length === 1) {
    const k = keys[0]!;
    const c = k.charCodeAt(0);
    const inner = (raw as Record<string, unknown>)[k];
    if (c >= 65 && c <= 90 && inner !== null && typeof inner === 'object' && !Array.isArray(inner)) {
      const out: Record<string, unknown> = { kind: k };
      const rename = RENAMED_KIND[k];
      for (const [f, v] of Object.entries(inner as Record<string, unknown>)) {
        out[f === 'kind' && rename ? rename : f] = convertNode(v, depth + 1);
      }
      return out;
    }
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = convertNode((raw as Record<string, unknown>)[k], depth + 1);
  return out;
}
