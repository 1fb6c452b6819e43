/** Types of docker-engine-api.mjs: the few Engine API calls the cluster harness makes. */

/** A container as the harness sees it. */
export interface EngineContainer {
  id: string;
  /** `running`, `exited`, `created`, … */
  state: string;
  labels: Record<string, string>;
}

/** The engine's unix socket path (DOCKER_HOST=unix://… or /var/run/docker.sock); throws for tcp://. */
export declare function dockerSocketPath(env?: NodeJS.ProcessEnv): string;
/** Containers carrying every one of `labels` (`key=value`, at least one); running only unless `all`. */
export declare function listContainers(labels: string[], options?: { all?: boolean }): Promise<EngineContainer[]>;
/** Force-removes a container with its anonymous volumes; false when it was already gone. */
export declare function removeContainer(id: string): Promise<boolean>;
/** Removes the networks, then volumes, labelled `label` (`key=value`); how many went. */
export declare function removeNetworksAndVolumes(label: string): Promise<number>;
/** True when the engine holds image `ref` locally (never pulls). */
export declare function imagePresent(ref: string): Promise<boolean>;
/** True when the engine answers its ping within 3 s. */
export declare function dockerAnswers(): Promise<boolean>;
