/**
 * The normalized stack spec: what the loader produces from Compose files and what the
 * scheduler stores as desired state. Every short/long Compose syntax is resolved into one shape.
 * Durations are milliseconds, sizes are bytes, CPU counts are fractional cores.
 */

/** A whole stack (a Compose "project"). */
export interface StackSpec {
  /** Project name: `-p`, top-level `name`, or the stack file's directory name, normalized. */
  name: string;
  services: Record<string, ServiceSpec>;
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  secrets: Record<string, SecretSpec>;
  configs: Record<string, ConfigSpec>;
}

/** Which runtime runs a service's tasks. */
export type DriverName = 'docker' | 'process';

/** One service: the template every task (replica) of it is made from. */
export interface ServiceSpec {
  name: string;
  /** Image reference; absent for process-driver services and build-only services. */
  image?: string;
  build?: BuildSpec;
  pullPolicy: PullPolicy;
  /** Command override, already split (a string form is split with shell-like rules). */
  command?: string[];
  entrypoint?: string[];
  workingDir?: string;
  user?: string;
  /** Environment after merging `env_file` entries then `environment`; null = inherit/unset. */
  environment: Record<string, string | null>;
  ports: PortSpec[];
  /** Ports exposed to other services only, as "port[/proto]" strings. */
  expose: string[];
  volumes: VolumeMountSpec[];
  networks: Record<string, ServiceNetworkSpec>;
  dependsOn: Record<string, DependencySpec>;
  healthcheck?: HealthcheckSpec;
  restart: RestartPolicySpec;
  stopSignal: string;
  stopGracePeriodMs: number;
  init: boolean;
  labels: Record<string, string>;
  profiles: string[];
  secrets: FileMountRef[];
  configs: FileMountRef[];
  deploy: DeploySpec;
  /** berth's own settings from the service's `x-berth` map. */
  berth: BerthServiceSettings;
}

/** `pull_policy` values berth acts on. */
export type PullPolicy = 'missing' | 'always' | 'never' | 'build';

/** `build:` of a service. */
export interface BuildSpec {
  /** Absolute path, or a URL for remote contexts. */
  context: string;
  dockerfile?: string;
  dockerfileInline?: string;
  args: Record<string, string | null>;
  target?: string;
  labels: Record<string, string>;
}

/** One published or container port. */
export interface PortSpec {
  target: number;
  /** Host port; undefined lets the engine choose. */
  published?: number;
  /**
   * Last port of a host range for a single target (`"8000-8010:80"`): the engine binds one free
   * port of `published..publishedEnd`. Undefined for a single host port.
   */
  publishedEnd?: number;
  /** Host IP to bind; undefined means the node's address. */
  hostIp?: string;
  protocol: 'tcp' | 'udp' | 'sctp';
  mode: 'ingress' | 'host';
}

/** One mount into a service's tasks. */
export type VolumeMountSpec =
  | { type: 'bind'; source: string; target: string; readOnly: boolean; createHostPath: boolean }
  | { type: 'volume'; source?: string; target: string; readOnly: boolean; noCopy: boolean }
  | { type: 'tmpfs'; target: string; sizeBytes?: number; mode?: number };

/** A service's attachment to a network. */
export interface ServiceNetworkSpec {
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

/** Conditions of `depends_on` (long syntax). */
export type DependencyCondition =
  | 'service_started'
  | 'service_healthy'
  | 'service_completed_successfully';

/** One `depends_on` entry. */
export interface DependencySpec {
  condition: DependencyCondition;
  /** Restart this service when the dependency is restarted/updated. */
  restart: boolean;
  /** When false, a missing/failed dependency only warns. */
  required: boolean;
}

/** A normalized health check; `test` never holds NONE (that becomes `disabled`). */
export interface HealthcheckSpec {
  disabled: boolean;
  /** `['CMD', ...argv]` or `['CMD-SHELL', script]`. */
  test: string[];
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  startPeriodMs: number;
  startIntervalMs: number;
}

/** When to restart a task (merged from `restart:` and `deploy.restart_policy`). */
export interface RestartPolicySpec {
  condition: 'none' | 'on-failure' | 'any' | 'unless-stopped';
  /** 0 = unlimited. */
  maxAttempts: number;
  /** Fixed delay requested by the file, if any; otherwise berth's backoff applies. */
  delayMs?: number;
  /** Window used to decide if a restart succeeded (Swarm's `window`), 0 = none. */
  windowMs: number;
}

/** A service's `deploy:` section. */
export interface DeploySpec {
  mode: 'replicated' | 'global';
  replicas: number;
  placement: PlacementSpec;
  resources: ResourcesSpec;
  updateConfig?: UpdateConfigSpec;
  rollbackConfig?: UpdateConfigSpec;
  labels: Record<string, string>;
}

/** Where a service's tasks may run. */
export interface PlacementSpec {
  /** Parsed `placement.constraints`, e.g. `node.labels.zone == eu`. */
  constraints: PlacementConstraint[];
  /** `placement.preferences` spread descriptors, e.g. `node.labels.zone`. */
  spread: string[];
  /** 0 = unlimited. */
  maxReplicasPerNode: number;
}

/** One placement constraint. */
export interface PlacementConstraint {
  /** `node.id`, `node.hostname`, `node.role`, `node.labels.<key>`, ... */
  field: string;
  op: '==' | '!=';
  value: string;
}

/** Resource limits and reservations. */
export interface ResourcesSpec {
  limits: ResourceAmounts;
  reservations: ResourceAmounts;
}

/** CPU in fractional cores, memory in bytes, pids as a count. */
export interface ResourceAmounts {
  cpus?: number;
  memoryBytes?: number;
  pids?: number;
}

/** `update_config` / `rollback_config`. */
export interface UpdateConfigSpec {
  parallelism: number;
  delayMs: number;
  failureAction: 'continue' | 'rollback' | 'pause';
  monitorMs: number;
  maxFailureRatio: number;
  order: 'stop-first' | 'start-first';
}

/** A reference from a service to a secret or config, with where it is mounted. */
export interface FileMountRef {
  source: string;
  target: string;
  uid?: string;
  gid?: string;
  mode?: number;
}

/** Top-level `networks` entry. */
export interface NetworkSpec {
  /** Engine-side name; defaults to `<stack>_<key>`. */
  name: string;
  driver: string;
  external: boolean;
  internal: boolean;
  attachable: boolean;
  enableIpv6: boolean;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

/** Top-level `volumes` entry. */
export interface VolumeSpec {
  name: string;
  driver: string;
  external: boolean;
  driverOpts: Record<string, string>;
  labels: Record<string, string>;
}

/** Top-level `secrets` entry. */
export interface SecretSpec {
  name: string;
  /** Absolute path of the file holding the value. */
  file?: string;
  /** Environment variable holding the value. */
  environment?: string;
  external: boolean;
}

/** Top-level `configs` entry. */
export interface ConfigSpec {
  name: string;
  file?: string;
  environment?: string;
  /** Inline content. */
  content?: string;
  external: boolean;
}

/** What to do with a task whose health check reports unhealthy. */
export type UnhealthyAction = 'restart' | 'flag';

/** Placement scorer for a service. */
export type PlacementStrategy = 'spread' | 'binpack';

/** The service-level `x-berth` map. */
export interface BerthServiceSettings {
  driver: DriverName;
  /** Restart backoff tuning. */
  restartBackoff: RestartBackoffSettings;
  unhealthy: UnhealthyAction;
  placementStrategy: PlacementStrategy;
  /** Keep running while cut off from the scheduler instead of fencing itself. */
  keepRunningWhenDisconnected: boolean;
}

/** Restart backoff: first restart immediate, then initial × multiplier^n up to max. */
export interface RestartBackoffSettings {
  initialMs: number;
  maxMs: number;
  multiplier: number;
  /** After running this long, the backoff resets. */
  resetAfterMs: number;
}

/** Defaults for the `x-berth` restart backoff. */
export const DEFAULT_RESTART_BACKOFF: Readonly<RestartBackoffSettings> = Object.freeze({
  initialMs: 100,
  maxMs: 60_000,
  multiplier: 2,
  resetAfterMs: 10_000,
});

/** Compose's default stop grace period (10 s). */
export const DEFAULT_STOP_GRACE_PERIOD_MS = 10_000;

/** Compose's default health check timings. */
export const DEFAULT_HEALTHCHECK = Object.freeze({
  intervalMs: 30_000,
  timeoutMs: 30_000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 5_000,
});
