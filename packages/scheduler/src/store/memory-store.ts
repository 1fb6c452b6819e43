/**
 * The state store kept in memory only: for tests and simulations, where losing everything at
 * exit is the point. It behaves exactly as the SQLite store does, minus the disk (the same
 * contract suite runs against both).
 */
import { IndexedStateStore } from './indexed-store.js';

/** A state store that lives and dies with the process. */
export class MemoryStateStore extends IndexedStateStore {}
