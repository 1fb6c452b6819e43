/** Port numbers and ranges as written in `ports` and `expose`: `80`, `3000-3005`. */
import { failed, parsed, type ParseResult } from './parse-result.js';

/** An inclusive range of ports; a single port has start === end. */
export interface PortRange {
  start: number;
  end: number;
}

const MAX_PORT = 65_535;

/** Parses one port (1–65535); the message quotes the text as written. */
export function parsePort(text: string): ParseResult<number> {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  return n >= 1 && n <= MAX_PORT ? parsed(n) : failed(`${JSON.stringify(text)} is not a valid port`);
}

/** Parses `port` or `first-last`. */
export function parsePortRange(text: string): ParseResult<PortRange> {
  const dash = text.indexOf('-');
  if (dash === -1) {
    const p = parsePort(text);
    return p.ok ? parsed({ start: p.value, end: p.value }) : p;
  }
  const start = parsePort(text.slice(0, dash));
  if (!start.ok) return text.slice(0, dash) === '' ? failed(`${JSON.stringify(text)} is not a valid port`) : start;
  const end = parsePort(text.slice(dash + 1));
  if (!end.ok) return end;
  if (start.value > end.value) {
    return failed(`invalid port range ${JSON.stringify(text)}: the first port is greater than the last`);
  }
  return parsed({ start: start.value, end: end.value });
}

/** Number of ports in a range. */
export function rangeSize(r: PortRange): number {
  return r.end - r.start + 1;
}
