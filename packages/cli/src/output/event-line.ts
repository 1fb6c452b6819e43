/** `berth events`: one line per event, as text or as a JSON object. Pure. */
import type { BerthEvent } from '../client/control-api.js';

/** An event in `events --format json`: the view with its time as an RFC 3339 string. */
export interface EventJson {
  time: string;
  kind: string;
  stack: string | null;
  service: string | null;
  taskId: string | null;
  nodeId: string | null;
  message: string;
}

/** `2025-06-01T12:00:00.000Z task-state hello/web task=abc node=n1: running`. */
export function eventLine(event: BerthEvent): string {
  const subject = [event.stack, event.service].filter((s) => s !== undefined && s !== '').join('/');
  const parts = [new Date(event.time).toISOString(), event.kind];
  if (subject !== '') parts.push(subject);
  if (event.taskId !== undefined && event.taskId !== '') parts.push(`task=${event.taskId}`);
  if (event.nodeId !== undefined && event.nodeId !== '') parts.push(`node=${event.nodeId}`);
  return parts.join(' ') + (event.message === '' ? '' : `: ${event.message}`);
}

/** The JSON object of one event; every key present, absent ids as null. */
export function eventJson(event: BerthEvent): EventJson {
  const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);
  return {
    time: new Date(event.time).toISOString(),
    kind: event.kind,
    stack: orNull(event.stack),
    service: orNull(event.service),
    taskId: orNull(event.taskId),
    nodeId: orNull(event.nodeId),
    message: event.message,
  };
}
