// catalog/schema door: catalog objects stored in the LSM (see README.md, ../STORAGE.md).
export * from './desc.js';
export { toCell, fromCell, cellNeedsDecode, keyTypeOf, keyCell } from './cells.js';
export { SchemaCatalog, BUILTIN_SCHEMAS, lockOrThrow, lsmToDbError, type CatalogReader, type CatalogWriter } from './catalog.js';
export { SYS_META, SYS_NAMESPACE, SYS_RELATION, SYS_SEQUENCE, FIRST_USER_OID, SEQ_LOG_VALS, CATALOG_FORMAT_VERSION, relationKey, relationRow, namespaceKey, sequenceKey, metaKey } from './systables.js';
export { PG_CATALOG_RELATIONS, PG_CATALOG_FUNCTION } from './pg-catalog.js';
export { SYSTEM_KEY_CONSTRAINTS, SYSTEM_NOT_NULLS, PG_CATALOG_NAMESPACE_OID, type SystemKeyConstraint, type SystemNotNulls } from './system-constraints.js';
