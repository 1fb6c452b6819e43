/** @berth/agent */
export { createDockerClient, pingDocker, type DockerPing } from './runtime/docker/docker-client.js';
