// planner/dml door: INSERT/UPDATE/DELETE and the table-statement dispatcher (see README.md).
export { planTableStatement } from './dispatch.js';
export type { TablePlan } from './common.js';
export { runReplanning } from './rel-lock.js';
