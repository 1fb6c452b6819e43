/**
 * Makes a service's image present per its `pull_policy`: `missing` pulls (or builds) only when
 * the engine lacks it, `always` pulls every time, `never` only checks, `build` builds from the
 * service's context through the engine's build API.
 */
import type Docker from 'dockerode';
import { BerthError } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';
import { buildOptions, readBuildContext } from './build-context.js';
import { engineMessage, engineStatus, isTransportFailure, toBerthError } from './docker-errors.js';
import { serviceImage } from './engine-names.js';
import { readJsonLines } from './json-lines.js';

/** One line of a pull or build progress stream. */
interface ProgressLine {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
}

/** How many trailing build output lines a build failure quotes. */
const BUILD_TAIL_LINES = 5;

/** Gets the task's image ready per its pull policy; rejects with a BerthError naming the image. */
export async function ensureImage(docker: Docker, task: TaskDescriptor, where: string, signal?: AbortSignal): Promise<void> {
  const { spec, ref } = task;
  const image = serviceImage(ref.stack, ref.service, spec.image);
  switch (spec.pullPolicy) {
    case 'build':
      return buildImage(docker, task, image, where, signal);
    case 'always':
      return spec.image === undefined ? buildImage(docker, task, image, where, signal) : pullImage(docker, image, where, signal);
    case 'never':
      if (await hasImage(docker, image, where)) return;
      throw new BerthError('NOT_FOUND', `image "${image}" not found and pull_policy is never`, { context: { image } });
    case 'missing':
      if (await hasImage(docker, image, where)) return;
      return spec.build && spec.image === undefined
        ? buildImage(docker, task, image, where, signal)
        : pullImage(docker, image, where, signal);
  }
}

/** Whether the engine holds `image` locally. */
export async function hasImage(docker: Docker, image: string, where: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if (engineStatus(err) === 404) return false;
    throw toBerthError(err, `looking up image "${image}"`, where);
  }
}

/** Pulls `image`; the engine reports some failures in the progress stream, not the status. */
async function pullImage(docker: Docker, image: string, where: string, signal?: AbortSignal): Promise<void> {
  try {
    const stream = await docker.pull(image, signal ? { abortSignal: signal } : {});
    const lines = await readProgress(stream);
    const failed = lines.find((line) => line.error !== undefined || line.errorDetail !== undefined);
    if (failed) throw new Error(failed.errorDetail?.message ?? failed.error ?? 'unknown error');
  } catch (err) {
    if (isTransportFailure(err) || (err as { name?: unknown }).name === 'AbortError') {
      throw toBerthError(err, `pulling image "${image}"`, where);
    }
    throw new BerthError('NOT_FOUND', `image "${image}" pull failed: ${engineMessage(err)}`, { context: { image }, cause: err });
  }
}

/** Builds the service's context into `image` with the engine's (classic) build API. */
async function buildImage(docker: Docker, task: TaskDescriptor, image: string, where: string, signal?: AbortSignal): Promise<void> {
  const build = task.spec.build;
  if (!build) {
    throw new BerthError('USAGE', `service "${task.ref.service}" has pull_policy build but no build section`);
  }
  const context = await readBuildContext(build, task.projectDir, task.ref.service);
  let lines: ProgressLine[];
  try {
    const stream = await docker.buildImage(context, buildOptions(build, context.context, image, signal));
    lines = await readProgress(stream);
  } catch (err) {
    throw toBerthError(err, `building image "${image}"`, where);
  }
  const failed = lines.find((line) => line.error !== undefined || line.errorDetail !== undefined);
  if (failed) {
    const output = lines.flatMap((line) => (line.stream ? [line.stream.trimEnd()] : [])).filter((text) => text !== '');
    const tail = output.slice(-BUILD_TAIL_LINES).join('\n');
    const reason = failed.errorDetail?.message ?? failed.error ?? 'unknown error';
    throw new BerthError('UNAVAILABLE', `building image "${image}" failed: ${reason}${tail ? `\n${tail}` : ''}`, {
      context: { image },
    });
  }
}

/** Reads a progress stream to its end and returns every line. */
async function readProgress(stream: NodeJS.ReadableStream): Promise<ProgressLine[]> {
  const lines: ProgressLine[] = [];
  for await (const value of readJsonLines(stream)) {
    if (typeof value === 'object' && value !== null) lines.push(value as ProgressLine);
  }
  return lines;
}
