/**
 * The hash that tells reconcile whether a service's tasks are out of date. It lives in
 * @berth/api (`workload-hash.ts`) because the agent must judge "same workload" by the same
 * rule; this module keeps the scheduler's import path.
 */
export { canonicalJson, hashServiceSpec } from '@berth/api';
