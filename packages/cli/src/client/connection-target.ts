/**
 * Which scheduler a client command talks to, and with which credentials. Each setting is taken
 * from the first place that has it: the flag (`--host`, `--cert-dir`), then the environment
 * (BERTH_HOST, BERTH_CERT_DIR), then the context file; without a host anywhere it is the local
 * daemon's socket, and without a cert dir the one `berth cert create --admin` writes by default.
 * An empty value counts as absent, so `BERTH_HOST= berth ps` means "the default". Pure.
 */
import path from 'node:path';
import type { CliContext } from './cli-context.js';

/** The connection flags as given on the command line. */
export interface ConnectionFlags {
  host?: string | undefined;
  certDir?: string | undefined;
}

/** Where a setting came from, for messages and `berth context show`. */
export type SettingSource = 'flag' | 'env' | 'context' | 'default';

/** A setting's value and where it came from. */
export interface Setting {
  value: string;
  source: SettingSource;
}

/** The outcome of {@link resolveConnection}. */
export interface ConnectionTarget {
  /** Absent: nothing named a host, so the local daemon's socket is meant. */
  host?: Setting;
  /** Absolute; only used for tcp hosts. */
  certDir: Setting;
}

/** The environment variable for each setting. */
export const HOST_ENV = 'BERTH_HOST';
/** The environment variable naming the cert dir. */
export const CERT_DIR_ENV = 'BERTH_CERT_DIR';

/** Default admin certificate name (`berth cert create --admin` without `--name`). */
export const DEFAULT_CERT_NAME = 'admin';

/** The dir `berth cert create --admin --name <name>` writes to by default. */
export function defaultCertDir(configDir: string, name = DEFAULT_CERT_NAME): string {
  return path.join(configDir, 'certs', name);
}

/** Inputs of {@link resolveConnection}. */
export interface ResolveInputs {
  flags: ConnectionFlags;
  env: NodeJS.ProcessEnv;
  /** The context file's content; undefined when there is none. */
  context: CliContext | undefined;
  /** berth's config dir (for the default cert dir). */
  configDir: string;
  /** Relative `--cert-dir` / BERTH_CERT_DIR values are taken from here. */
  cwd: string;
}

/** Applies the precedence described in the module comment. */
export function resolveConnection(inputs: ResolveInputs): ConnectionTarget {
  const { flags, env, context } = inputs;
  const host = firstSetting([
    [flags.host, 'flag'],
    [env[HOST_ENV], 'env'],
    [context?.host, 'context'],
  ]);
  const certDir = firstSetting([
    [flags.certDir, 'flag'],
    [env[CERT_DIR_ENV], 'env'],
    [context?.certDir, 'context'],
  ]) ?? { value: defaultCertDir(inputs.configDir), source: 'default' };
  const target: ConnectionTarget = { certDir: { value: path.resolve(inputs.cwd, certDir.value), source: certDir.source } };
  if (host !== undefined) target.host = { value: host.value.trim(), source: host.source };
  return target;
}

/** How a source is named in messages. */
export function sourceName(source: SettingSource, setting: 'host' | 'certDir'): string {
  switch (source) {
    case 'flag':
      return setting === 'host' ? '--host' : '--cert-dir';
    case 'env':
      return setting === 'host' ? HOST_ENV : CERT_DIR_ENV;
    case 'context':
      return 'context file';
    case 'default':
      return 'default';
  }
}

function firstSetting(candidates: ReadonlyArray<readonly [string | undefined, SettingSource]>): Setting | undefined {
  for (const [value, source] of candidates) {
    if (value !== undefined && value.trim() !== '') return { value, source };
  }
  return undefined;
}
