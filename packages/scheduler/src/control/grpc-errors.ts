/**
 * BerthError ↔ gRPC status. Several berth codes share one gRPC code (STACK_INVALID and USAGE are
 * both INVALID_ARGUMENT), so the server also sends the exact code, and the error's context as
 * JSON, in trailing metadata; the client rebuilds the same BerthError from them. A status
 * without that metadata did not come from berth's handlers (a transport failure, a deadline),
 * and is described in terms of the address the client dialled.
 */
import { Metadata, status as GrpcStatus, type StatusObject } from '@grpc/grpc-js';
import { BerthError, isBerthError, type ErrorCode } from '@berth/api';

/** Trailing metadata key carrying the BerthError code. */
export const ERROR_CODE_KEY = 'berth-error-code';
/** Trailing metadata key carrying the BerthError context as UTF-8 JSON (binary: any text survives). */
export const ERROR_CONTEXT_KEY = 'berth-error-context-bin';
// Headers share the HTTP/2 header list limit with everything else; a context bigger than this
// is dropped (the message still says everything a person needs).
const MAX_CONTEXT_BYTES = 16 * 1024;

const GRPC_CODE: Readonly<Record<ErrorCode, GrpcStatus>> = {
  STACK_INVALID: GrpcStatus.INVALID_ARGUMENT,
  FILE_UNREADABLE: GrpcStatus.INVALID_ARGUMENT,
  USAGE: GrpcStatus.INVALID_ARGUMENT,
  NO_SUITABLE_NODE: GrpcStatus.FAILED_PRECONDITION,
  RUNTIME_UNAVAILABLE: GrpcStatus.FAILED_PRECONDITION,
  NOT_FOUND: GrpcStatus.NOT_FOUND,
  CONFLICT: GrpcStatus.FAILED_PRECONDITION,
  UNAVAILABLE: GrpcStatus.UNAVAILABLE,
  UNAUTHENTICATED: GrpcStatus.UNAUTHENTICATED,
  PERMISSION_DENIED: GrpcStatus.PERMISSION_DENIED,
  INTERNAL: GrpcStatus.INTERNAL,
};

const ERROR_CODES = new Set<string>(Object.keys(GRPC_CODE));

/** A status error for a gRPC callback or stream: the grpc-js error shape plus `message`. */
export type StatusError = Error & Pick<StatusObject, 'code' | 'details' | 'metadata'>;

/** The gRPC status for an error thrown by a handler; anything not a BerthError is INTERNAL. */
export function toStatusError(error: unknown): StatusError {
  const berth = isBerthError(error)
    ? error
    : new BerthError('INTERNAL', `internal error in the scheduler: ${error instanceof Error ? error.message : String(error)}`);
  const metadata = new Metadata();
  metadata.set(ERROR_CODE_KEY, berth.code);
  const context = contextJson(berth.context);
  if (context !== undefined) metadata.set(ERROR_CONTEXT_KEY, context);
  return Object.assign(new Error(berth.message), { code: GRPC_CODE[berth.code], details: berth.message, metadata });
}

function contextJson(context: Readonly<Record<string, unknown>>): Buffer | undefined {
  if (Object.keys(context).length === 0) return undefined;
  try {
    const bytes = Buffer.from(JSON.stringify(context), 'utf8');
    return bytes.length <= MAX_CONTEXT_BYTES ? bytes : undefined;
  } catch {
    return undefined; // not JSON-able (a cycle, a bigint): the message alone goes
  }
}

/** The parts of a grpc-js client error this module reads. */
export interface ClientStatus {
  code?: number;
  details?: string;
  message?: string;
  metadata?: Metadata;
}

/**
 * The BerthError for a failed call to the scheduler at `target` (the address as the user gave
 * it). Errors from berth's handlers keep their code, message and context.
 */
export function fromStatusError(error: ClientStatus, target: string): BerthError {
  const code = error.metadata?.get(ERROR_CODE_KEY)[0];
  const details = error.details ?? error.message ?? 'unknown error';
  if (typeof code === 'string' && ERROR_CODES.has(code)) {
    return new BerthError(code as ErrorCode, details, { context: readContext(error.metadata), cause: error });
  }
  const where = `the berth scheduler at ${target}`;
  switch (error.code) {
    case GrpcStatus.UNAVAILABLE:
      return new BerthError('UNAVAILABLE', `cannot reach ${where} (is it running?): ${details}`, { context: { target }, cause: error });
    case GrpcStatus.DEADLINE_EXCEEDED:
      return new BerthError('UNAVAILABLE', `${where} did not answer in time`, { context: { target }, cause: error });
    case GrpcStatus.CANCELLED:
      return new BerthError('UNAVAILABLE', `the call to ${where} was cancelled: ${details}`, { context: { target }, cause: error });
    case GrpcStatus.UNIMPLEMENTED:
      return new BerthError('INTERNAL', `${where} does not support this request (version mismatch?): ${details}`, { cause: error });
    case GrpcStatus.NOT_FOUND:
      return new BerthError('NOT_FOUND', details, { cause: error });
    case GrpcStatus.UNAUTHENTICATED:
      return new BerthError('UNAUTHENTICATED', `${where} refused the credentials: ${details}`, { context: { target }, cause: error });
    case GrpcStatus.PERMISSION_DENIED:
      return new BerthError('PERMISSION_DENIED', `${where} refused: ${details}`, { context: { target }, cause: error });
    case GrpcStatus.INVALID_ARGUMENT:
      return new BerthError('USAGE', details, { cause: error });
    case GrpcStatus.FAILED_PRECONDITION:
    case GrpcStatus.ALREADY_EXISTS:
    case GrpcStatus.ABORTED:
      return new BerthError('CONFLICT', details, { cause: error });
    default:
      return new BerthError('INTERNAL', `${where} failed: ${details}`, { cause: error });
  }
}

function readContext(metadata: Metadata | undefined): Record<string, unknown> {
  const raw = metadata?.get(ERROR_CONTEXT_KEY)[0];
  if (!Buffer.isBuffer(raw)) return {};
  try {
    const parsed: unknown = JSON.parse(raw.toString('utf8'));
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
