/** Whether something listens on a unix socket: how the CLI tells a live daemon from a stale socket file. */
import { createConnection } from 'node:net';

/**
 * Resolves true when a connection to `socketPath` is accepted within `timeoutMs`, false when
 * it is refused, the file is missing, or nothing answers in time. Only connects: the Control
 * API binds its socket once the scheduler behind it is up, so a listener means it is ready.
 */
export function socketAnswers(socketPath: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path: socketPath });
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}
