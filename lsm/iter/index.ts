// lsm/iter door: ordering helpers, the k-way merging iterator and snapshot visibility.
export { compareBytes, compareEntries, sameKey } from './order.js';
export { mergeSorted } from './merge.js';
export { visibleOnly } from './visible.js';
