import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import { describe, it } from 'vitest';
import { createDockerClient, pingDocker } from '@berth/agent';
import { TEST_IMAGE } from './images.js';

export { removeByTestLabel, TEST_LABEL, type RemovedByLabel } from './docker-cleanup.js';

/** What a Docker suite gets: a client, the engine's version and this run's label value. */
export interface DockerSuite {
  docker: Docker;
  engineVersion: string;
  /** Unique per test file run; put it on everything as `io.berth.test=<runId>`. */
  runId: string;
}

/** Whether the engine (and the local test image) can be used, and if not, why. */
export type DockerProbe = { ok: true; engineVersion: string } | { ok: false; reason: string };

const PING_TIMEOUT_MS = 5_000;
let probe: Promise<DockerProbe> | undefined;

/** Probes the engine once per test file: it must answer and hold the local test image. */
export function probeDocker(docker: Docker): Promise<DockerProbe> {
  probe ??= (async (): Promise<DockerProbe> => {
    const ping = await pingDocker(docker, PING_TIMEOUT_MS);
    if (!ping.ok) return ping;
    try {
      await docker.getImage(TEST_IMAGE).inspect();
    } catch {
      return {
        ok: false,
        reason: `the engine answers but has no ${TEST_IMAGE}: run bash scripts/build-test-image.sh`,
      };
    }
    return { ok: true, engineVersion: ping.version };
  })();
  return probe;
}

/** A fresh value for the `io.berth.test` label, so a run only ever cleans up its own objects. */
export function newTestRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** True when running under CI (`CI=true`, or any value but empty, `0` or `false`). */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  const ci = (env['CI'] ?? '').trim().toLowerCase();
  return ci !== '' && ci !== '0' && ci !== 'false';
}

/**
 * Declares a suite that needs a real Docker engine; use with top-level await. Engine there:
 * the suite runs. Engine absent: under CI the suite FAILS with the reason (CI must never
 * silently skip these); elsewhere its tests are skipped with a loud note on how to get one.
 */
export async function describeDocker(
  name: string,
  body: (suite: DockerSuite) => void,
): Promise<void> {
  const docker = createDockerClient();
  const found = await probeDocker(docker);
  const suite: DockerSuite = {
    docker,
    engineVersion: found.ok ? found.engineVersion : 'none',
    runId: newTestRunId(),
  };

  if (found.ok) {
    describe(name, () => body(suite));
  } else if (isCi()) {
    describe(name, () => {
      it('has a usable Docker engine (required under CI)', () => {
        throw new Error(`Docker tests cannot run under CI: ${found.reason}`);
      });
    });
  } else {
    console.warn(skipBanner(name, found.reason));
    // The body still declares its tests, so the report counts them as skipped, not absent.
    describe.skip(name, () => body(suite));
  }
}

function skipBanner(name: string, reason: string): string {
  const rule = '='.repeat(78);
  return [
    rule,
    `SKIPPED (no Docker): ${name}`,
    `  ${reason}`,
    '  To run these tests, start an engine and build the test image:',
    '    bash .ci/run                                   (installs, starts dockerd, builds, tests)',
    '    or: dockerd > /tmp/dockerd.log 2>&1 &  then  bash scripts/build-test-image.sh',
    '  Under CI=true these tests fail instead of skipping.',
    rule,
  ].join('\n');
}
