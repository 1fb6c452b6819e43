/**
 * Domain ↔ wire tables for the enums the Control views carry. @berth/api keeps its own tables
 * (ports, deploy mode) private, so the ones the views need are spelled out here; a full
 * `Record` makes the compiler reject a table that forgets a member.
 */
import { BerthError, wire, type DeploySpec, type DesiredTaskState, type LogStream, type PortSpec } from '@berth/api';
import type { BerthEventKind, ChangeKind } from './views.js';

/** A two-way mapping between a domain string union and a wire enum. */
export interface WireEnum<D extends string, W extends number> {
  /** The wire value of a domain value. */
  toWire(value: D): W;
  /** The domain value of a wire value; BerthError INTERNAL for UNSPECIFIED or unknown numbers. */
  fromWire(value: W, path: string): D;
}

function wireEnum<D extends string, W extends number>(name: string, table: Readonly<Record<D, W>>): WireEnum<D, W> {
  const back = new Map<number, D>(Object.entries(table).map(([d, w]) => [w as W, d as D]));
  return {
    toWire: (value) => table[value],
    fromWire(value, path) {
      const domain = back.get(value);
      if (domain === undefined) {
        // A newer peer sent a value this build does not know: a version skew, not a user error.
        throw new BerthError('INTERNAL', `wire field ${path} has no known ${name} (got ${value})`, { context: { path } });
      }
      return domain;
    },
  };
}

/** ChangeKind ↔ wire ChangeKind. */
export const changeKindWire = wireEnum<ChangeKind, wire.ChangeKind>('ChangeKind', {
  created: wire.ChangeKind.CREATED,
  updated: wire.ChangeKind.UPDATED,
  unchanged: wire.ChangeKind.UNCHANGED,
  removed: wire.ChangeKind.REMOVED,
});

/** BerthEventKind ↔ wire EventKind. */
export const eventKindWire = wireEnum<BerthEventKind, wire.EventKind>('EventKind', {
  'task-state': wire.EventKind.TASK_STATE,
  'node-state': wire.EventKind.NODE_STATE,
  deploy: wire.EventKind.DEPLOY,
  remove: wire.EventKind.REMOVE,
  scale: wire.EventKind.SCALE,
});

/** DesiredTaskState ↔ wire DesiredState. */
export const desiredStateWire = wireEnum<DesiredTaskState, wire.DesiredState>('DesiredState', {
  run: wire.DesiredState.RUN,
  stop: wire.DesiredState.STOP,
});

/** LogStream ↔ wire LogStream. */
export const logStreamWire = wireEnum<LogStream, wire.LogStream>('LogStream', {
  stdout: wire.LogStream.STDOUT,
  stderr: wire.LogStream.STDERR,
});

/** Deploy mode ↔ wire DeployMode. */
export const deployModeWire = wireEnum<DeploySpec['mode'], wire.DeployMode>('DeployMode', {
  replicated: wire.DeployMode.REPLICATED,
  global: wire.DeployMode.GLOBAL,
});

/** Port protocol ↔ wire PortProtocol. */
export const portProtocolWire = wireEnum<PortSpec['protocol'], wire.PortProtocol>('PortProtocol', {
  tcp: wire.PortProtocol.TCP,
  udp: wire.PortProtocol.UDP,
  sctp: wire.PortProtocol.SCTP,
});

/** Port mode ↔ wire PortMode. */
export const portModeWire = wireEnum<PortSpec['mode'], wire.PortMode>('PortMode', {
  ingress: wire.PortMode.INGRESS,
  host: wire.PortMode.HOST,
});
