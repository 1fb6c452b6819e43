/**
 * The Control API as the client commands use it: the views come from @berth/scheduler, and
 * `ControlClient` is the part of its `ControlConnection` the commands call, so the helpers and
 * their tests depend on one small surface. Type-only: grpc is loaded only when a command
 * connects (see `open-control.ts`).
 */
import type { ControlConnection } from '@berth/scheduler';

export type {
  BerthEvent,
  BerthEventKind,
  ChangeKind,
  DeployResult,
  LogLine,
  LogsQuery,
  NodeView,
  RemoveResult,
  ServiceChange,
  StackSummary,
  TaskView,
  CertificateRequest,
  IssuedCertificateView,
  JoinTokenView,
  NodeRemoval,
  NodeUpdate,
} from '@berth/scheduler';

/** The calls the client commands make; every one throws BerthError (`UNAVAILABLE` when no daemon answers). */
export type ControlClient = Pick<
  ControlConnection,
  | 'deploy'
  | 'remove'
  | 'listStacks'
  | 'listTasks'
  | 'listNodes'
  | 'scale'
  | 'logs'
  | 'events'
  | 'close'
  | 'address'
  | 'joinToken'
  | 'issueCertificate'
  | 'updateNode'
  | 'removeNode'
>;
