/** @berth/api: shared domain types, errors and (generated) wire code. */
export * from './spec/stack-spec.js';
export * from './errors.js';
