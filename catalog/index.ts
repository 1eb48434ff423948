// catalog/ door: everything other folders may import from catalog/ is re-exported here.
export { DbError, toDbError, type DbErrorFields, type Severity, type Notice } from './errors.js';
export { SQLSTATE, SQLSTATE_NAME, CONDITION_NAME_BY_CODE, conditionName, sqlStateName, type SqlStateName, type SqlStateCode } from './sqlstate.js';
export * from './types/index.js';
export * from './schema/index.js';
