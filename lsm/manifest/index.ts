// lsm/manifest door: the manifest (version edits log + CURRENT), versions, file names, orphans.
export { Manifest } from './manifest.js';
export type { ManifestOptions, OpenedManifest } from './manifest.js';
export { Version } from './version.js';
export { MAX_LEVELS, encodeEdit, decodeEdit, frame as frameManifestRecord } from './edit.js';
export type { SegmentFile, RemovedFile, VersionEdit } from './edit.js';
export { scanManifest } from './log.js';
export { CURRENT, CURRENT_TMP, segmentFileName, manifestFileName, parseFileName } from './names.js';
export type { ParsedName } from './names.js';
export { findOrphans } from './orphans.js';
export type { Orphan, OrphanReason } from './orphans.js';
