/**
 * The generated berth.v1 wire code (messages with encode/decode, grpc-js service definitions,
 * clients and server interfaces), flattened into one module. The package index re-exports it as
 * the `wire` namespace because many message names (StackSpec, TaskStatus, NodeInfo, ...) are
 * also domain type names. All files share the proto package, so their names never clash.
 */
export * from './gen/berth/v1/spec.js';
export * from './gen/berth/v1/task.js';
export * from './gen/berth/v1/node.js';
export * from './gen/berth/v1/agent.js';
export * from './gen/berth/v1/control.js';
export * from './gen/berth/v1/cluster.js';
