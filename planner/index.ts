// planner/ door: everything other folders may import from planner/ is re-exported here.
// wire/ talks to the planner through planner/api.ts (Engine, SqlSession) and createEngine.
export * from './api.js';
export { createEngine, type EngineOptions, type EngineLogger } from './engine.js';
export { VERSION_STRING } from './funcs/misc.js';
