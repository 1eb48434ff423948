// lsm/keys door: order-preserving key encoding (spec: ../KEY-ENCODING.md) and byte comparison.
export { encodeKey, encodeKeyPrefix, encodeRowId, prefixSuccessor, parseNumeric, KEY_BYTES_MAX, type KeyColumn, type KeyType } from './codec.js';
export { encodeInt64KeyInto, isInt64KeyType, INT64_KEY_BYTES } from './codec.js';
export { decodeKey } from './decode.js';
export { compareBytes } from './compare.js';
