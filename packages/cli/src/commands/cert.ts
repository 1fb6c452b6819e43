/**
 * `berth cert create --admin [--name N] [--out DIR] [--days D] [--force]`: an admin client
 * certificate for the remote Control API (see `client/admin-certificate.ts`), then how to use
 * it. Usually run once on the scheduler's host, against its control socket.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { BerthError } from '@berth/api/domain';
import { createAdminCertificate, checkCertificateName, parseValidityDays } from '../client/admin-certificate.js';
import { berthConfigDir } from '../client/cli-context.js';
import { connectionFlags } from '../client/command-options.js';
import { DEFAULT_CERT_NAME, defaultCertDir } from '../client/connection-target.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';

interface CertCreateOptions {
  admin?: boolean;
  name: string;
  out?: string;
  days?: string;
  force?: boolean;
}

/** Registers `cert create`; the action sets the exit status through `done`. */
export function registerCert(program: Command, term: Terminal, done: (status: number) => void): void {
  const cert = program.command('cert').description('client certificates for the remote Control API');
  cert
    .command('create')
    .description('create an admin certificate: the key is made here and never sent; the cluster CA signs it')
    .option('--admin', 'an admin certificate (the only kind this command makes; nodes get theirs with berth agent --join)')
    .option('--name <name>', 'the certificate name (its common name)', DEFAULT_CERT_NAME)
    .option('--out <dir>', 'where to write ca.crt, cert.crt, cert.key (default $XDG_CONFIG_HOME/berth/certs/<name>)')
    .option('--days <days>', 'validity in days (default: the scheduler\'s, 90)')
    .option('--force', 'replace existing files in the dir')
    .action(async (opts: CertCreateOptions, command: Command) => {
      if (opts.admin !== true) {
        throw new BerthError('USAGE', 'berth cert create needs --admin: admin certificates are the only ones it makes (agents get node certificates with berth agent --join)');
      }
      checkCertificateName(opts.name);
      const validityDays = opts.days === undefined ? undefined : parseValidityDays(opts.days);
      const outDir = path.resolve(opts.out ?? defaultCertDir(berthConfigDir(process.env), opts.name));
      let address = '';
      const written = await createAdminCertificate(
        { name: opts.name, outDir, validityDays, force: opts.force === true },
        {
          openClient: async () => {
            const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
            address = client.address;
            return client;
          },
          createKeyAndCsr: async (name, role) => (await import('@berth/api/pki')).createKeyAndCsr(name, role),
        },
      );
      term.out.write(usageLines(opts.name, written.dir, written.notAfter, address).join('\n') + '\n');
      done(ExitStatus.OK);
    });
}

/** What the command prints: the files, and the commands that use them. */
export function usageLines(name: string, dir: string, notAfter: Date, address: string): string[] {
  // Over a unix socket the CLI does not know the scheduler's TCP address: a placeholder says what goes there.
  const tcp = address.startsWith('tcp://');
  const host = tcp ? address : 'tcp://HOST:PORT';
  const d = shellWord(dir);
  const lines = [
    `wrote admin certificate "${name}" (valid until ${notAfter.toISOString().slice(0, 10)}) to ${dir}:`,
    '  ca.crt    the cluster CA',
    '  cert.crt  the certificate',
    '  cert.key  its private key (mode 0600; it never left this machine)',
    'use it for one command:',
    `  berth --host ${host} --cert-dir ${d} nodes`,
    'or make it the default for every command:',
    `  berth context set --host ${host} --cert-dir ${d}`,
  ];
  if (!tcp) lines.push("(HOST:PORT is the scheduler's --control-tcp address)");
  return lines;
}

function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
