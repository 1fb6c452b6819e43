/** @berth/stack: loads Compose stack files into a validated, normalized StackSpec. */
export { loadStack, type LoadOptions, type LoadResult } from './load-stack.js';
export { formatDiagnostic, type Diagnostic, type Pos } from './diagnostics.js';
export { normalizeProjectName } from './project-name.js';
export { STACK_FILE_KEYS, type KeySupport, type SupportStatus } from './schema/support.js';
export { renderSupportTable } from './schema/support-table.js';
