// Unsigned lexicographic byte comparison (Buffer.compare semantics). A JS loop: for the short
// keys of a memtable it beats the native call's fixed overhead, and it accepts any Uint8Array.
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}
