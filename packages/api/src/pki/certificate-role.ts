/**
 * Who a berth certificate speaks for. The role travels in the subject as `OU=berth-<role>`, and
 * the common name is the holder's id (a node id, an admin's name, `berth-scheduler`).
 */
import { BerthError } from '../errors.js';

/** The holder of a cluster certificate: an agent's node, an operator, or the scheduler itself. */
export type CertificateRole = 'node' | 'admin' | 'scheduler';

/** The DNS name every scheduler certificate carries, whatever address it is reached at (and the SNI its clients send). */
export const SCHEDULER_DNS_NAME = 'berth-scheduler';

const ROLES: readonly CertificateRole[] = ['node', 'admin', 'scheduler'];
const OU_PREFIX = 'berth-';

// Restricting common names keeps them safe in logs, file names and distinguished names (no
// commas, equals signs or spaces that could be read as another attribute).
const COMMON_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The organizational unit that marks `role` in a certificate subject. */
export function roleOrganizationalUnit(role: CertificateRole): string {
  return `${OU_PREFIX}${role}`;
}

/** The role named by a subject's OU value(s); undefined when none or more than one is a berth role. */
export function roleFromOrganizationalUnits(ou: string | string[] | undefined): CertificateRole | undefined {
  const values = ou === undefined ? [] : Array.isArray(ou) ? ou : [ou];
  const roles = values.flatMap((value) => {
    const role = value.startsWith(OU_PREFIX) ? value.slice(OU_PREFIX.length) : '';
    return ROLES.includes(role as CertificateRole) ? [role as CertificateRole] : [];
  });
  return roles.length === 1 ? roles[0] : undefined;
}

/** Throws BerthError USAGE unless `name` is a common name berth issues certificates for. */
export function checkCommonName(name: string): void {
  if (!COMMON_NAME.test(name)) {
    throw new BerthError(
      'USAGE',
      `invalid certificate name ${JSON.stringify(name)}: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`,
      { context: { name } },
    );
  }
}
