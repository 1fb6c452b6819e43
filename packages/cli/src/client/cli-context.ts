/**
 * The CLI context file: which scheduler the client commands talk to when neither a flag nor
 * the environment says so, and where the admin certificate for it lives.
 *
 *   $XDG_CONFIG_HOME/berth/context.json   (default ~/.config/berth/context.json), mode 0600
 *   { "host": "tcp://10.0.0.1:7401", "certDir": "/home/me/.config/berth/certs/admin" }
 *
 * It names a key's location, not the key, but it still says which cluster a person administers,
 * so it is private to its owner like the certificates beside it.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { BerthError } from '@berth/api/domain';
import { replaceFile } from './replace-file.js';

/** What the context file holds; both fields are optional. */
export interface CliContext {
  /** A Control address: `unix:///path.sock` or `tcp://host:port`. */
  host?: string;
  /** An absolute directory holding `ca.crt`, `cert.crt` and `cert.key`. */
  certDir?: string;
}

/** The context file's name inside {@link berthConfigDir}. */
export const CONTEXT_FILE = 'context.json';

/**
 * berth's per-user configuration dir: `$XDG_CONFIG_HOME/berth`, else `~/.config/berth` (the XDG
 * base directory spec's default; a relative XDG_CONFIG_HOME is invalid there and ignored).
 */
export function berthConfigDir(env: NodeJS.ProcessEnv): string {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'berth');
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : homedir();
  return path.join(home, '.config', 'berth');
}

/** Where the context file lives for this environment. */
export function contextFilePath(env: NodeJS.ProcessEnv): string {
  return path.join(berthConfigDir(env), CONTEXT_FILE);
}

/** Reads the context file; undefined when there is none, BerthError USAGE when it is malformed. */
export async function readCliContext(file: string): Promise<CliContext | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('FILE_UNREADABLE', `cannot read the context file ${file}: ${(e as Error).message}`, { context: { file }, cause: e });
  }
  return parseCliContext(text, file);
}

/** Checks the file's JSON; unknown keys are an error so that a typo does not pass silently. */
export function parseCliContext(text: string, file: string): CliContext {
  const fix = `fix it or run \`berth context clear\``;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new BerthError('USAGE', `the context file ${file} is not valid JSON (${(e as Error).message}); ${fix}`, { context: { file }, cause: e });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BerthError('USAGE', `the context file ${file} must hold a JSON object like {"host": "tcp://host:port", "certDir": "/dir"}; ${fix}`, { context: { file } });
  }
  const context: CliContext = {};
  for (const [key, field] of Object.entries(value)) {
    if (key !== 'host' && key !== 'certDir') {
      throw new BerthError('USAGE', `the context file ${file} has an unknown key "${key}" (known: host, certDir); ${fix}`, { context: { file } });
    }
    if (typeof field !== 'string' || field === '') {
      throw new BerthError('USAGE', `"${key}" in the context file ${file} must be a non-empty string; ${fix}`, { context: { file } });
    }
    if (key === 'certDir' && !path.isAbsolute(field)) {
      throw new BerthError('USAGE', `"certDir" in the context file ${file} must be an absolute path (got ${JSON.stringify(field)}); ${fix}`, { context: { file } });
    }
    context[key] = field;
  }
  return context;
}

/**
 * Writes the context file (mode 0600; its dir is created 0700). The new content is written
 * beside it and renamed over it, so a crash never leaves half a file that every later command
 * would refuse.
 */
export async function writeCliContext(file: string, context: CliContext): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const content: CliContext = {};
  if (context.host !== undefined) content.host = context.host;
  if (context.certDir !== undefined) content.certDir = context.certDir;
  await replaceFile(file, JSON.stringify(content, null, 2) + '\n', 0o600, `the context file ${file}`);
}

/** Removes the context file; resolves to false when there was none. */
export async function clearCliContext(file: string): Promise<boolean> {
  try {
    await rm(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new BerthError('FILE_UNREADABLE', `cannot remove the context file ${file}: ${(e as Error).message}`, { context: { file }, cause: e });
  }
}
