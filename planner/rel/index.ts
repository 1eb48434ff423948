// planner/rel door: FROM-clause planning and operators, and the storage side of a session.
export { TablesServer, TableSession, msOf, type TableSessionHost, type SqlIsolation } from './runtime.js';
export { planRelSelect, needsRelPlanner } from './select.js';
export { planWith } from './with.js';
export { rejectWindowCalls } from './window-bind.js';
