/**
 * The restart policy, from `restart:` (Docker's) or `deploy.restart_policy` (Swarm's); the
 * deploy form wins when both are present, as in Compose. Neither means `no`.
 */
import type { RestartPolicySpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { readDurationMs } from './duration.js';
import { failed, parsed, type ParseResult } from './parse-result.js';
import { mapOf, ownValue, readChoice, readInteger } from './raw-values.js';

const NO_RESTART: RestartPolicySpec = Object.freeze({ condition: 'none', maxAttempts: 0, windowMs: 0 });
const CONDITIONS = ['none', 'on-failure', 'any'] as const;

/** Parses `restart: no | always | on-failure[:N] | unless-stopped`. */
export function parseRestart(text: string): ParseResult<RestartPolicySpec> {
  const simple: Record<string, RestartPolicySpec['condition']> = { no: 'none', always: 'any', 'unless-stopped': 'unless-stopped' };
  const condition = ownValue(simple, text);
  if (condition) return parsed({ condition, maxAttempts: 0, windowMs: 0 });
  const m = /^on-failure(?::(\d+))?$/.exec(text);
  if (m) return parsed({ condition: 'on-failure', maxAttempts: m[1] === undefined ? 0 : Number(m[1]), windowMs: 0 });
  return failed(`invalid restart policy ${JSON.stringify(text)}: expected "no", "always", "on-failure[:max-retries]" or "unless-stopped"`);
}

/** Merges `restart` and `deploy.restart_policy` of the service at `servicePath`. */
export function normalizeRestartPolicy(
  restart: RawValue | undefined,
  deployPolicy: RawValue | undefined,
  servicePath: ModelPath,
  diag: Diagnostics,
): RestartPolicySpec {
  const policy = mapOf(deployPolicy);
  if (policy) {
    const at = [...servicePath, 'deploy', 'restart_policy'];
    const delayMs = readDurationMs(policy['delay'], [...at, 'delay'], diag);
    return {
      condition: policy['condition'] === undefined ? 'any' : (readChoice(policy['condition'], CONDITIONS, [...at, 'condition'], diag, 'restart condition') ?? 'any'),
      maxAttempts: readInteger(policy['max_attempts'], [...at, 'max_attempts'], diag) ?? 0,
      ...(delayMs !== undefined ? { delayMs } : {}),
      windowMs: readDurationMs(policy['window'], [...at, 'window'], diag) ?? 0,
    };
  }
  // `restart: no` unquoted is the boolean false to a YAML 1.1 reader; take it as meant.
  if (restart === false) return { ...NO_RESTART };
  if (typeof restart !== 'string') return { ...NO_RESTART };
  const r = parseRestart(restart);
  if (r.ok) return r.value;
  diag.error([...servicePath, 'restart'], r.error);
  return { ...NO_RESTART };
}
