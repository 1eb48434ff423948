// Numerics of one segment record batch as scaled integers (vec-kernels.ts NumericSumKernel):
// a numeric cell is stored as its canonical text (catalog/STORAGE.md), and parsing 1 M of them
// per query was most of a native numeric sum's time. The parse is a pure function of the
// column's bytes, so it is done once per (segment, batch, column) and kept in the lsm's
// derived-vector cache (lsm/segment/vec-cache.ts; VectorBatch.derived) while the file exists.
//
// Per batch row r: coef[r] = the value's coefficient d (value = d × 10^-scale) when the text is
// plain `[-]digits[.digits]` with 1 to 15 digits (exact in a float: < 10^15 < 2^53) and a scale
// ≤ 127; NaN for a null cell and for every other value (NaN, ±Infinity, longer values, scales
// beyond 127), which the kernel parses from the bytes as before (Numeric.fromString).
// `scale` is the scale every plain value of the batch shares (the usual numeric(p,s) column:
// values are coerced to s when written), or -1 with `scales` holding each row's scale.
import type { ColumnVector, Derived } from '../../lsm/index.js';

export interface ScaledNumerics {
  readonly coef: Float64Array;
  /** The scale of every plain value; -1: they differ (then read `scales`). */
  readonly scale: number;
  /** Per row scale (plain values only); undefined when `scale` >= 0. */
  readonly scales: Int8Array | undefined;
}

/** The cache's name for this derivation (one deriver per kind; bump it if the layout changes). */
export const SCALED_NUMERICS = 'planner.numeric.scaled.v1';

const EMPTY: ScaledNumerics = { coef: new Float64Array(0), scale: 0, scales: undefined };

/** ScaledNumerics of a utf8 vector of `rows` rows (any other encoding: every row NaN). */
export function scaleNumerics(vec: ColumnVector, rows: number): Derived<ScaledNumerics> {
  if (rows === 0) return { value: EMPTY, sizeBytes: 0 };
  const coef = new Float64Array(rows).fill(NaN);
  if (vec.enc !== 'utf8') return { value: { coef, scale: 0, scales: undefined }, sizeBytes: coef.byteLength };
  const scales = new Int8Array(rows);
  const o = vec.offsets;
  const b = vec.bytes;
  const off = vec.offset;
  const valid = vec.valid;
  let common = -2; // -2: no plain value yet; -1: scales differ
  for (let r = 0; r < rows; r++) {
    const i = off + r;
    if (valid !== undefined && (valid[i >> 3]! & (1 << (i & 7))) === 0) continue;
    const s = o[i]!, e = o[i + 1]!;
    let p = s;
    const neg = b[p] === 45;
    if (neg) p++;
    let d = 0, digits = 0, dot = -1, plain = p < e;
    for (; p < e; p++) {
      const c = b[p]!;
      if (c >= 48 && c <= 57) {
        d = d * 10 + (c - 48);
        digits++;
      } else if (c === 46 && dot < 0) dot = p;
      else {
        plain = false;
        break;
      }
    }
    if (!plain || digits === 0 || digits > 15) continue;
    const sc = dot < 0 ? 0 : e - dot - 1;
    if (sc > 127) continue;
    coef[r] = neg ? -d : d;
    scales[r] = sc;
    if (common === -2) common = sc;
    else if (common !== sc) common = -1;
  }
  if (common === -1) return { value: { coef, scale: -1, scales }, sizeBytes: coef.byteLength + scales.byteLength };
  return { value: { coef, scale: Math.max(common, 0), scales: undefined }, sizeBytes: coef.byteLength };
}
