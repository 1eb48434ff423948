// lsm/io door (internal to lsm/): the real Io, the fault-injecting in-memory Io, the seeded PRNG.
export { RealIo } from './real.js';
export { MemIo, type MemIoFaults, type MemIoOp } from './mem.js';
export { Prng } from './prng.js';
export { errnoToLsmError } from './errors.js';
