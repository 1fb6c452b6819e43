/**
 * @berth/api/domain: the domain types, constants and errors without the generated wire code,
 * so code that never talks gRPC (the stack loader, `berth config`) does not load grpc-js and
 * the generated messages at start-up.
 */
export * from './spec/stack-spec.js';
export * from './spec/task.js';
export * from './spec/node.js';
export * from './spec/assignment.js';
export * from './spec/log-transfer.js';
export * from './spec/stack-cleanup.js';
export * from './spec/workload-hash.js';
export * from './spec/service-defaults.js';
export * from './errors.js';
