/**
 * `berth context set --host H [--cert-dir DIR]`, `berth context show`, `berth context clear`:
 * the context file that names the scheduler (and the admin certificate for it) the client
 * commands use when neither a flag nor BERTH_HOST / BERTH_CERT_DIR says otherwise. `--host` and
 * `--cert-dir` are the program's global flags; `set` saves them instead of connecting.
 */
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { BerthError } from '@berth/api/domain';
import { CERT_DIR_FILES } from '../client/cert-dir.js';
import { berthConfigDir, clearCliContext, contextFilePath, readCliContext, writeCliContext, type CliContext } from '../client/cli-context.js';
import { connectionFlags } from '../client/command-options.js';
import { CERT_DIR_ENV, defaultCertDir, HOST_ENV, sourceName } from '../client/connection-target.js';
import { connectionTarget } from '../client/open-control.js';
import { defaultControlHost } from '../daemon/index.js';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';

/** Registers `context set|show|clear`; the actions set the exit status through `done`. */
export function registerContext(program: Command, term: Terminal, done: (status: number) => void): void {
  const context = program.command('context').description('the default scheduler and admin certificate of the client commands');
  context
    .command('set')
    .description('save --host (and --cert-dir) as the default for the client commands')
    .action(async (_opts: unknown, command: Command) => {
      await setContext(command, term);
      done(ExitStatus.OK);
    });
  context
    .command('show')
    .description('print the context file and the host and cert dir in effect, with where each comes from')
    .action(async (_opts: unknown, command: Command) => {
      await showContext(command, term);
      done(ExitStatus.OK);
    });
  context
    .command('clear')
    .description('remove the context file (the client commands then use the local daemon)')
    .action(async () => {
      const file = contextFilePath(process.env);
      const removed = await clearCliContext(file);
      term.out.write(removed ? `removed ${file}\n` : `no context file to remove (${file})\n`);
      done(ExitStatus.OK);
    });
}

async function setContext(command: Command, term: Terminal): Promise<void> {
  const flags = connectionFlags(command);
  if (flags.host === undefined || flags.host.trim() === '') {
    throw new BerthError('USAGE', 'berth context set needs --host (unix:///path.sock or tcp://host:port), and for a tcp:// host --cert-dir DIR');
  }
  // grpc comes with the parser; a mistyped address is worth finding now, not at the next command.
  const { parseControlAddress } = await import('@berth/scheduler');
  const address = parseControlAddress(flags.host);
  const next: CliContext = { host: address.display };
  if (flags.certDir !== undefined && flags.certDir.trim() !== '') next.certDir = path.resolve(flags.certDir);
  const file = contextFilePath(process.env);
  await writeCliContext(file, next);
  term.out.write(`saved ${file}: host ${next.host}${next.certDir !== undefined ? `, cert dir ${next.certDir}` : ''}\n`);
  for (const [name, what] of [[HOST_ENV, 'host'], [CERT_DIR_ENV, 'cert dir']] as const) {
    if ((process.env[name] ?? '').trim() !== '') term.err.write(`note: ${name} is set in this environment and wins over the context's ${what}\n`);
  }
  if (address.kind === 'tcp') {
    const dir = next.certDir ?? defaultCertDir(berthConfigDir(process.env));
    if (next.certDir === undefined) term.err.write(`no --cert-dir given: ${address.display} will be reached with the certificate in ${dir} unless BERTH_CERT_DIR or --cert-dir names another\n`);
    const missing = await missingCertFiles(dir);
    if (missing.length > 0) term.err.write(`warning: ${missing.join(', ')} missing in ${dir}; \`berth cert create --admin --out ${dir}\` writes them\n`);
  }
}

async function showContext(command: Command, term: Terminal): Promise<void> {
  const file = contextFilePath(process.env);
  const saved = await readCliContext(file);
  const target = await connectionTarget({ ...connectionFlags(command), env: process.env });
  const host = target.host !== undefined ? `${target.host.value}  (${sourceName(target.host.source, 'host')})` : `${defaultControlHost(process.env)}  (the local daemon)`;
  const lines = [
    `context file  ${file}${saved === undefined ? '  (none)' : ''}`,
    `host          ${host}`,
    `cert dir      ${target.certDir.value}  (${sourceName(target.certDir.source, 'certDir')}; used for tcp:// hosts only)`,
  ];
  term.out.write(lines.join('\n') + '\n');
}

async function missingCertFiles(dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (const name of Object.values(CERT_DIR_FILES)) {
    try {
      await access(path.join(dir, name));
    } catch {
      missing.push(name);
    }
  }
  return missing;
}
