/** Conversions of the streamed Control messages: log lines and events. */
import { BerthError, wire } from '@berth/api';
import type { BerthEvent, LogLine } from './views.js';
import { eventKindWire, logStreamWire } from './wire-enums.js';

/** The wire form of a log line. */
export function toProtoLogLine(line: LogLine): wire.LogLine {
  return {
    service: line.service,
    taskId: line.taskId,
    slot: line.slot,
    stream: logStreamWire.toWire(line.stream),
    text: line.text,
    time: new Date(line.time),
  };
}

/** The domain form of a wire log line; BerthError INTERNAL when it has no time. */
export function fromProtoLogLine(message: wire.LogLine, path = 'line'): LogLine {
  if (message.time === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path}.time is missing`, { context: { path: `${path}.time` } });
  }
  return {
    service: message.service,
    taskId: message.taskId,
    slot: message.slot,
    stream: logStreamWire.fromWire(message.stream, `${path}.stream`),
    text: message.text,
    time: message.time.getTime(),
  };
}

/** The wire form of an event (absent ids become empty strings). */
export function toProtoEvent(event: BerthEvent): wire.Event {
  return {
    time: new Date(event.time),
    kind: eventKindWire.toWire(event.kind),
    stack: event.stack ?? '',
    service: event.service ?? '',
    taskId: event.taskId ?? '',
    nodeId: event.nodeId ?? '',
    message: event.message,
  };
}

/** The domain form of a wire event; BerthError INTERNAL when it has no time. */
export function fromProtoEvent(message: wire.Event, path = 'event'): BerthEvent {
  if (message.time === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path}.time is missing`, { context: { path: `${path}.time` } });
  }
  const ids = { stack: message.stack, service: message.service, taskId: message.taskId, nodeId: message.nodeId };
  return {
    time: message.time.getTime(),
    kind: eventKindWire.fromWire(message.kind, `${path}.kind`),
    ...Object.fromEntries(Object.entries(ids).filter(([, v]) => v !== '')),
    message: message.message,
  };
}
