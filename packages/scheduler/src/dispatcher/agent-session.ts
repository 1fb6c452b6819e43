/**
 * One agent's Agent.Connect stream on the scheduler's side: decodes what arrives, encodes what
 * is sent, and reports once (whichever comes first) that the stream is over: the agent ended
 * or cancelled it, it failed, or the dispatcher ended it. Nothing is written after that.
 */
import { status, type ServerDuplexStream } from '@grpc/grpc-js';
import {
  fromProtoAgentMessage,
  toProtoSchedulerMessage,
  type AgentMessage,
  type SchedulerMessage,
  type wire,
} from '@berth/api';

/** The grpc-js server side of one Agent.Connect call. */
export type AgentCall = ServerDuplexStream<wire.AgentMessage, wire.SchedulerMessage>;

/** What a session tells its owner. */
export interface AgentSessionHandlers {
  /** A message arrived (in order); never called after `closed`. */
  message(session: AgentSession, message: AgentMessage): void;
  /** A message could not be decoded (a newer or broken agent); it was skipped. */
  undecodable(session: AgentSession, error: unknown): void;
  /** The stream is over; called once. */
  closed(session: AgentSession, why: string): void;
}

/** One agent stream; see the module comment. */
export class AgentSession {
  /** The node this stream registered as; undefined until Register is handled. */
  nodeId: string | undefined;
  readonly #call: AgentCall;
  readonly #handlers: AgentSessionHandlers;
  #open = true;

  /** Takes over `call`: listens to all of its events from now on. */
  constructor(call: AgentCall, handlers: AgentSessionHandlers) {
    this.#call = call;
    this.#handlers = handlers;
    call.on('data', (raw: wire.AgentMessage) => this.#receive(raw));
    call.on('end', () => {
      // The agent half-closed (a clean shutdown): finish our half too, so its call completes.
      this.#close('the agent ended the stream');
      call.end();
    });
    call.on('cancelled', () => this.#close('the agent stream was cancelled'));
    // Always listened to: an unhandled 'error' would take the scheduler down.
    call.on('error', (error: unknown) => this.#close(`the agent stream failed: ${describe(error)}`));
  }

  /** False once the stream is over. */
  get open(): boolean {
    return this.#open;
  }

  /** The agent's address as grpc-js sees it, for messages. */
  get peer(): string {
    return this.#call.getPeer();
  }

  /** The TLS facts of the connection (the client certificate, if any), for stream authorization. */
  getAuthContext(): ReturnType<AgentCall['getAuthContext']> {
    return this.#call.getAuthContext();
  }

  /**
   * Sends a message; false when the stream is over. A message that cannot be encoded ends the
   * stream with INTERNAL: the agent would otherwise run on a state it never received.
   */
  send(message: SchedulerMessage): boolean {
    if (!this.#open) return false;
    let encoded: wire.SchedulerMessage;
    try {
      encoded = toProtoSchedulerMessage(message);
    } catch (error) {
      this.end(status.INTERNAL, `cannot encode a ${message.kind} message: ${describe(error)}`);
      return false;
    }
    // grpc-js buffers what the agent has not read yet; its return value is only a hint.
    this.#call.write(encoded);
    return true;
  }

  /** Ends the stream from the scheduler's side with `code` (OK = a clean end) and `details`. */
  end(code: status, details: string): void {
    if (!this.#close(details)) return;
    if (code === status.OK) this.#call.end();
    // How a grpc-js server ends a stream with a status other than OK.
    else this.#call.emit('error', { code, details });
  }

  #receive(raw: wire.AgentMessage): void {
    if (!this.#open) return;
    let message: AgentMessage | undefined;
    try {
      message = fromProtoAgentMessage(raw);
    } catch (error) {
      this.#handlers.undecodable(this, error);
      return;
    }
    // A payload this build does not know (a newer agent) is skipped.
    if (message !== undefined) this.#handlers.message(this, message);
  }

  /** Marks the stream over; true the first time (and tells the owner). */
  #close(why: string): boolean {
    if (!this.#open) return false;
    this.#open = false;
    this.#handlers.closed(this, why);
    return true;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error !== null && 'details' in error) return String(error.details);
  return String(error);
}
