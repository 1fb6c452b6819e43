/**
 * Where the CLI reaches the Control API: `unix:///abs/path.sock` (or a bare absolute path),
 * `tcp://host:port`, or `host:port` (`[::1]:7400` for IPv6).
 */
import { isAbsolute } from 'node:path';
import { BerthError } from '@berth/api';

/** A parsed Control address. */
export type ControlAddress =
  | { kind: 'unix'; socketPath: string; /** The grpc-js target. */ target: string; /** As messages show it. */ display: string }
  | { kind: 'tcp'; host: string; port: number; target: string; display: string };

/** Splits `host:port` / `[v6]:port`; BerthError USAGE when it is neither. */
export function parseHostPort(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:\s[\]/]+)):(\d{1,5})$/.exec(address.trim());
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) throw new BerthError('USAGE', `not a host:port address: ${JSON.stringify(address)}`);
  return { host: match[1] ?? match[2] ?? '', port };
}

/** Parses a `--host` value; BerthError USAGE for anything else. */
export function parseControlAddress(host: string): ControlAddress {
  const text = host.trim();
  if (text.startsWith('unix://') || isAbsolute(text)) {
    const socketPath = text.startsWith('unix://') ? text.slice('unix://'.length) : text;
    if (!isAbsolute(socketPath)) {
      throw new BerthError('USAGE', `a unix socket address needs an absolute path, as in unix:///run/berth.sock (got ${JSON.stringify(host)})`);
    }
    return { kind: 'unix', socketPath, target: `unix://${socketPath}`, display: `unix://${socketPath}` };
  }
  const hostPort = text.startsWith('tcp://') ? text.slice('tcp://'.length) : text;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(hostPort)) {
    throw new BerthError('USAGE', `unsupported address ${JSON.stringify(host)}: use unix:///path.sock, tcp://host:port or host:port`);
  }
  const { host: name, port } = parseHostPort(hostPort);
  const bracketed = name.includes(':') ? `[${name}]` : name;
  return { kind: 'tcp', host: name, port, target: `${bracketed}:${port}`, display: `tcp://${bracketed}:${port}` };
}
