/**
 * Service `ports` (short and long syntax) → PortSpec, one per port, and `expose` → strings.
 * Short syntax: `[[IP:](HOST|HOST-RANGE|):](PORT|RANGE)[/PROTOCOL]`, IPv6 host IPs in brackets.
 * A host range with one container port (`8000-8010:80`) keeps the range: the engine binds one
 * free port of it, as Docker does, instead of publishing the same port eleven times.
 */
import { isIP } from 'node:net';
import type { PortSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { failed, parsed, type ParseResult } from './parse-result.js';
import { parsePort, parsePortRange, rangeSize, type PortRange } from './port-range.js';
import { listOf, mapOf, readChoice, scalarText } from './raw-values.js';

const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;
const MODES = ['ingress', 'host'] as const;
type Protocol = PortSpec['protocol'];

/** Parses one short-syntax port entry (a string, or a number written as text). */
export function parsePortShort(text: string): ParseResult<PortSpec[]> {
  const slash = text.lastIndexOf('/');
  const proto = slash === -1 ? 'tcp' : text.slice(slash + 1).toLowerCase();
  if (!(PROTOCOLS as readonly string[]).includes(proto)) {
    return failed(`invalid protocol ${JSON.stringify(text.slice(slash + 1))} in port ${JSON.stringify(text)}: expected tcp, udp or sctp`);
  }
  const parts = (slash === -1 ? text : text.slice(0, slash)).split(':');
  const containerText = parts.at(-1) ?? '';
  const hostText = parts.length >= 2 ? (parts.at(-2) ?? '') : '';
  // Everything before the last two colons is the IP, so unbracketed IPv6 works as in Docker.
  const ipText = parts.length >= 3 ? parts.slice(0, -2).join(':') : '';
  const hostIp = ipText.startsWith('[') && ipText.endsWith(']') ? ipText.slice(1, -1) : ipText;
  if (hostIp !== '' && isIP(hostIp) === 0) {
    return failed(`invalid host IP ${JSON.stringify(ipText)} in port ${JSON.stringify(text)}`);
  }
  const container = parsePortRange(containerText);
  if (!container.ok) return container;
  // Host port 0 asks the engine to choose, like an empty host part.
  const host = hostText === '' || hostText === '0' ? undefined : parsePortRange(hostText);
  if (host && !host.ok) return host;
  const base = { protocol: proto as Protocol, mode: 'ingress' as const, ...(hostIp ? { hostIp } : {}) };
  return expand(container.value, host?.value, base, text);
}

/** One PortSpec per container port, pairing host ports when a host range is given. */
function expand(
  container: PortRange,
  host: PortRange | undefined,
  base: Pick<PortSpec, 'protocol' | 'mode' | 'hostIp'>,
  text: string,
): ParseResult<PortSpec[]> {
  if (host && rangeSize(container) === 1 && rangeSize(host) > 1) {
    return parsed([{ target: container.start, published: host.start, publishedEnd: host.end, ...base }]);
  }
  if (host && rangeSize(host) !== rangeSize(container)) {
    return failed(
      `port ${JSON.stringify(text)}: the host range has ${count(rangeSize(host))} but the container range has ${count(rangeSize(container))}; ` +
        'they must be the same length (or use a single container port)',
    );
  }
  const specs: PortSpec[] = [];
  for (let i = 0; i < rangeSize(container); i++) {
    specs.push({ target: container.start + i, ...(host ? { published: host.start + i } : {}), ...base });
  }
  return parsed(specs);
}

function count(n: number): string {
  return n === 1 ? '1 port' : `${n} ports`;
}

/** Normalizes a service's `ports` list; entries with errors are reported and left out. */
export function normalizePorts(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): PortSpec[] {
  const out: PortSpec[] = [];
  (listOf(raw) ?? []).forEach((entry, i) => {
    const at = [...path, i];
    const long = mapOf(entry);
    if (long) {
      out.push(...portLong(long, at, diag));
      return;
    }
    const text = typeof entry === 'number' || typeof entry === 'string' ? String(entry) : undefined;
    if (text === undefined) return;
    const r = parsePortShort(text);
    if (r.ok) out.push(...r.value);
    else diag.error(at, r.error);
  });
  return out;
}

/** The long syntax: `{target, published, host_ip, protocol, mode, app_protocol, name}`. */
function portLong(m: RawMap, path: ModelPath, diag: Diagnostics): PortSpec[] {
  // Every field is checked before giving up, so one pass reports all of an entry's problems.
  const errors: [string, string][] = [];
  const targetText = scalarText(m['target']);
  const target = targetText === undefined ? undefined : parsePort(targetText);
  if (target === undefined) errors.push(['target', 'a port needs a target (the container port)']);
  else if (!target.ok) errors.push(['target', target.error]);

  const publishedText = scalarText(m['published']);
  const published = publishedText === undefined || publishedText === '' || publishedText === '0' ? undefined : parsePortRange(publishedText);
  if (published && !published.ok) errors.push(['published', published.error]);

  const hostIp = scalarText(m['host_ip']) || undefined;
  if (hostIp !== undefined && isIP(hostIp) === 0) errors.push(['host_ip', `invalid host IP ${JSON.stringify(hostIp)}`]);
  for (const [key, error] of errors) diag.error([...path, key], error);

  const protoText = scalarText(m['protocol'])?.toLowerCase();
  const protocol = protoText === undefined ? 'tcp' : readChoice(protoText, PROTOCOLS, [...path, 'protocol'], diag, 'protocol');
  const mode = m['mode'] === undefined ? 'ingress' : readChoice(m['mode'], MODES, [...path, 'mode'], diag, 'port mode');
  if (errors.length > 0 || !target?.ok || (published && !published.ok) || !protocol || !mode) return [];
  const spec: PortSpec = { target: target.value, protocol, mode };
  if (published) {
    spec.published = published.value.start;
    if (published.value.end > published.value.start) spec.publishedEnd = published.value.end;
  }
  if (hostIp) spec.hostIp = hostIp;
  return [spec];
}

/** Normalizes `expose` to `port` / `port/udp` strings, one per port (ranges expanded). */
export function normalizeExpose(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): string[] {
  const out: string[] = [];
  (listOf(raw) ?? []).forEach((entry, i) => {
    const text = typeof entry === 'number' || typeof entry === 'string' ? String(entry) : undefined;
    if (text === undefined) return;
    const slash = text.indexOf('/');
    const proto = slash === -1 ? 'tcp' : text.slice(slash + 1).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(proto)) {
      diag.error([...path, i], `invalid protocol ${JSON.stringify(text.slice(slash + 1))} in ${JSON.stringify(text)}: expected tcp, udp or sctp`);
      return;
    }
    const range = parsePortRange(slash === -1 ? text : text.slice(0, slash));
    if (!range.ok) {
      diag.error([...path, i], range.error);
      return;
    }
    for (let p = range.value.start; p <= range.value.end; p++) out.push(proto === 'tcp' ? String(p) : `${p}/${proto}`);
  });
  return out;
}
