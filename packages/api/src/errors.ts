/** Stable error codes shared by every berth component; the CLI maps them to exit statuses. */
export type ErrorCode =
  | 'STACK_INVALID'
  | 'FILE_UNREADABLE'
  | 'USAGE'
  | 'NO_SUITABLE_NODE'
  | 'RUNTIME_UNAVAILABLE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'UNAVAILABLE'
  /** No valid credential: a wrong join token, a certificate from another CA, no certificate. */
  | 'UNAUTHENTICATED'
  /** A valid credential that may not do this: a removed node, a node certificate on Control. */
  | 'PERMISSION_DENIED'
  | 'INTERNAL';

/** An error with a stable code, readonly context and an optional cause. */
export class BerthError extends Error {
  readonly code: ErrorCode;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { context?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BerthError';
    this.code = code;
    this.context = Object.freeze({ ...(options.context ?? {}) });
  }
}

/** True when `e` is a BerthError (optionally with the given code). */
export function isBerthError(e: unknown, code?: ErrorCode): e is BerthError {
  return e instanceof BerthError && (code === undefined || e.code === code);
}
