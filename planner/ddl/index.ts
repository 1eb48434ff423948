// planner/ddl door: CREATE/DROP/TRUNCATE of tables, schemas and sequences (see README.md).
export { planCreateTable } from './create-table.js';
export { planDrop, planTruncate, planCreateSchema, planCreateSequence, dropRelation } from './drop.js';
