/**
 * Log transfer over the link, as domain values: the scheduler asks for a task's output
 * (LogRequest), the agent answers with chunks until `eof`, or with one LogFailure.
 */
import type { LogStream } from './task.js';

/** The scheduler asks for a task's output. */
export interface LogRequest {
  /** Chosen by the scheduler; echoed in every chunk or failure, and used to cancel. */
  requestId: string;
  taskId: string;
  /** Last n lines only; absent = the whole log. */
  tail?: number;
  /** Keep streaming new output until cancelled. */
  follow: boolean;
  /** Only output written at or after this time (epoch ms). */
  since?: number;
}

/** Part of the answer to a LogRequest. */
export interface LogChunk {
  requestId: string;
  taskId: string;
  stream: LogStream;
  /** Raw output; not necessarily whole lines or valid UTF-8. */
  data: Uint8Array;
  /** When it was written (epoch ms), when the runtime knows. */
  time?: number;
  /** Last chunk of this request (log ended, or follow was cancelled). */
  eof: boolean;
}

/** A LogRequest that cannot be served; ends the request. */
export interface LogFailure {
  requestId: string;
  taskId: string;
  /** A BerthError code, e.g. NOT_FOUND. */
  code: string;
  message: string;
}
