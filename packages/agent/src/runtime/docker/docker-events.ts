/**
 * The engine's event stream, narrowed to container start / die / health events of labelled
 * containers. The agent can react to a `die` as it happens rather than on its next poll, and
 * benchmarks measure crash-to-running latency from the engine's own die → start timestamps.
 */
import type Docker from 'dockerode';
import { toBerthError } from './docker-errors.js';
import { parseJsonLine, readLines } from './json-lines.js';

/** Which container events are passed on. */
export type ContainerEventKind = 'start' | 'die' | 'health';

/** One container event as the engine reported it. */
export interface ContainerEvent {
  kind: ContainerEventKind;
  containerId: string;
  /** Engine clock, nanoseconds since the epoch, exact (a JSON number would round it). */
  timeNano: bigint;
  /** Engine clock, epoch ms. */
  time: number;
  /** `die` only: the exit code. */
  exitCode?: number;
  /** `health` only: the engine's new health status. */
  health?: 'starting' | 'healthy' | 'unhealthy';
  /** The container's labels plus the engine's `name`, `image` (and `exitCode` on die). */
  attributes: Record<string, string>;
}

/** A live subscription: iterate it once; `close` ends the iteration. */
export interface ContainerEventStream extends AsyncIterable<ContainerEvent> {
  close(): void;
}

/** What to subscribe to. */
export interface ContainerEventFilter {
  /** `key=value` (or bare `key`) label filters; every one must match. */
  labels: Record<string, string> | string[];
  /** Also deliver events from this epoch ms on (default: now), which closes the gap between
   * the engine answering and its subscription taking effect. */
  since?: number;
  signal?: AbortSignal;
}

const ENGINE_ACTIONS = ['start', 'die', 'health_status'];

/**
 * Subscribes to container events; resolves once the engine has accepted the subscription, so
 * anything done after the await is seen. Rejects with a BerthError if the engine is down.
 */
export async function subscribeContainerEvents(
  docker: Docker,
  filter: ContainerEventFilter,
  where = 'the Docker engine',
): Promise<ContainerEventStream> {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  filter.signal?.addEventListener('abort', onAbort, { once: true });
  const label = Array.isArray(filter.labels) ? filter.labels : Object.entries(filter.labels).map(([k, v]) => `${k}=${v}`);
  let stream: NodeJS.ReadableStream;
  try {
    stream = await docker.getEvents({
      // The engine takes `seconds.nanoseconds`; the type only declares whole seconds.
      since: engineSince(filter.since ?? Date.now()) as unknown as number,
      filters: { type: ['container'], event: ENGINE_ACTIONS, label },
      abortSignal: controller.signal,
    });
  } catch (err) {
    filter.signal?.removeEventListener('abort', onAbort);
    throw toBerthError(err, 'subscribing to engine events', where);
  }
  const events = async function* (): AsyncGenerator<ContainerEvent> {
    try {
      for await (const line of readLines(stream as AsyncIterable<Buffer>)) {
        const event = parseContainerEvent(line);
        if (event) yield event;
      }
    } catch (err) {
      if (!controller.signal.aborted) throw toBerthError(err, 'reading engine events', where);
    } finally {
      filter.signal?.removeEventListener('abort', onAbort);
      controller.abort();
    }
  };
  const iterator = events();
  return {
    [Symbol.asyncIterator]: () => iterator,
    close: () => controller.abort(),
  };
}

/** One line of the engine's event stream → a ContainerEvent; undefined for anything else. */
export function parseContainerEvent(line: string): ContainerEvent | undefined {
  const [value] = parseJsonLine(line);
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: unknown }; time?: unknown };
  if (raw.Type !== 'container' || typeof raw.Action !== 'string' || typeof raw.Actor?.ID !== 'string') return undefined;
  const attributes = stringRecord(raw.Actor.Attributes);
  // The number itself may have lost digits in JSON.parse; the text has them all.
  const nano = /"timeNano"\s*:\s*(\d+)/.exec(line)?.[1];
  const timeNano = nano !== undefined ? BigInt(nano) : BigInt(typeof raw.time === 'number' ? raw.time : 0) * 1_000_000_000n;
  const base = { containerId: raw.Actor.ID, timeNano, time: Number(timeNano / 1_000_000n), attributes };
  const action = raw.Action;
  if (action === 'start') return { kind: 'start', ...base };
  if (action === 'die') {
    const exitCode = Number(attributes['exitCode']);
    return { kind: 'die', ...base, ...(Number.isInteger(exitCode) ? { exitCode } : {}) };
  }
  const health = /^health_status\s*:\s*(starting|healthy|unhealthy)$/.exec(action)?.[1];
  if (health === 'starting' || health === 'healthy' || health === 'unhealthy') return { kind: 'health', ...base, health };
  return undefined;
}

/** Epoch ms → the engine's `seconds.nanoseconds` timestamp text. */
export function engineSince(ms: number): string {
  const whole = Math.floor(ms);
  return `${Math.floor(whole / 1000)}.${String((whole % 1000) * 1_000_000).padStart(9, '0')}`;
}

function stringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
