/**
 * One dialled Agent.Connect stream of the scheduler link: the channel, the call and the
 * per-stream state. A session is replaced, never reused, on reconnect; what its events mean
 * (registering, lease, retries) is decided by the link through {@link SessionHandlers}.
 */
import { credentials as grpcCredentials, status as grpcStatus, type ChannelCredentials, type ChannelOptions, type ClientDuplexStream, type StatusObject } from '@grpc/grpc-js';
import { wire } from '@berth/api';

/** One dialled stream; see the module comment. */
export interface Session {
  client: wire.AgentClient;
  call: ClientDuplexStream<wire.AgentMessage, wire.SchedulerMessage>;
  registered: boolean;
  done: boolean;
  lastReceivedAt: number;
  stallAfterMs: number;
  /** Monotonic time the stream was opened, just before Register was written: what a RegisterAck acknowledges. */
  registerSentAt: number;
  registerTimer?: NodeJS.Timeout;
  heartbeatTimer?: NodeJS.Timeout;
  /** Resolves once grpc-js reports the call's final status (or the session is torn down). */
  finished: Promise<void>;
  markFinished: () => void;
}

/** Where and how to dial, and the clock readings the new session starts from. */
export interface SessionDial {
  address: string;
  /** Plain text when absent; a function is asked afresh on every dial. */
  credentials: ChannelCredentials | (() => ChannelCredentials) | undefined;
  channelOptions: ChannelOptions | undefined;
  registerTimeoutMs: number;
  /** Epoch ms: the stream counts as heard from when it opens. */
  openedAt: number;
  /** Monotonic ms, see {@link Session.registerSentAt}. */
  registerSentAt: number;
}

/** What the link does with a session's stream events. */
export interface SessionHandlers {
  onMessage: (session: Session, message: wire.SchedulerMessage) => void;
  /** `refused`: the scheduler ended the stream with PERMISSION_DENIED (a removed node): final. */
  onEnd: (session: Session, reason: 'ended' | 'failed' | 'refused', message: string) => void;
}

/** Dials a new stream and wires its events to `handlers`; the RegisterAck timer starts now. */
export function openSession(dial: SessionDial, handlers: SessionHandlers): Session {
  const client = new wire.AgentClient(
    dial.address,
    dialCredentials(dial.credentials),
    // A private subchannel pool: otherwise a new channel would share a subchannel still in
    // grpc-js's own reconnect backoff (up to 120 s) and ignore ours.
    { ...dial.channelOptions, 'grpc.use_local_subchannel_pool': 1 },
  );
  let markFinished = (): void => {};
  const finished = new Promise<void>((resolve) => {
    markFinished = resolve;
  });
  const session: Session = {
    client,
    call: client.connect(),
    registered: false,
    done: false,
    lastReceivedAt: dial.openedAt,
    stallAfterMs: Infinity,
    registerSentAt: dial.registerSentAt,
    finished,
    markFinished,
  };
  const { call } = session;
  call.on('data', (message: wire.SchedulerMessage) => handlers.onMessage(session, message));
  call.on('end', () => handlers.onEnd(session, 'ended', 'the scheduler ended the stream'));
  // Always listened to: an 'error' without a listener would crash the agent.
  call.on('error', (error: Error & { code?: number; details?: string }) =>
    error.code === grpcStatus.PERMISSION_DENIED
      ? handlers.onEnd(session, 'refused', error.details ?? error.message)
      : handlers.onEnd(session, 'failed', error.message),
  );
  call.on('status', (final: StatusObject) => {
    session.markFinished();
    if (final.code === grpcStatus.OK) handlers.onEnd(session, 'ended', 'the scheduler ended the stream');
    else if (final.code === grpcStatus.PERMISSION_DENIED) handlers.onEnd(session, 'refused', final.details);
    else handlers.onEnd(session, 'failed', final.details);
  });
  session.registerTimer = setTimeout(() => handlers.onEnd(session, 'failed', `no RegisterAck within ${dial.registerTimeoutMs} ms`), dial.registerTimeoutMs);
  return session;
}

/** The credentials for one dial: asked afresh each time when given as a function. */
function dialCredentials(credentials: SessionDial['credentials']): ChannelCredentials {
  if (credentials === undefined) return grpcCredentials.createInsecure();
  return typeof credentials === 'function' ? credentials() : credentials;
}
