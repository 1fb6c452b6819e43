/**
 * A service's `build:` → what the engine's build API is sent. dockerode packs the context
 * itself (with tar-fs, honouring `.dockerignore`) from a list of paths; this module makes that
 * list and the query options, and refuses what the classic build API cannot take.
 */
import { lstat, readdir } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type Docker from 'dockerode';
import { BerthError, type BuildSpec } from '@berth/api';

/** The context directory and every path in it, relative, with `/` separators. */
export interface BuildContext {
  context: string;
  src: string[];
}

/** A context that is a URL or git remote rather than a directory. */
const REMOTE_CONTEXT = /^(?:[a-z][a-z0-9+.-]*:\/\/|git@)/i;

/** Lists the build context of `build` (relative contexts resolve against `projectDir`). */
export async function readBuildContext(build: BuildSpec, projectDir: string, service: string): Promise<BuildContext> {
  if (REMOTE_CONTEXT.test(build.context)) {
    throw new BerthError('USAGE', `service "${service}": remote build contexts (${build.context}) are not supported yet; use a local directory`);
  }
  if (build.dockerfileInline !== undefined) {
    throw new BerthError('USAGE', `service "${service}": dockerfile_inline is not supported yet; put the Dockerfile in the build context`);
  }
  const context = isAbsolute(build.context) ? build.context : resolve(projectDir, build.context);
  try {
    const stat = await lstat(context);
    if (!stat.isDirectory()) throw new Error('not a directory');
  } catch (cause) {
    throw new BerthError('FILE_UNREADABLE', `service "${service}": build context ${context} is not a readable directory`, {
      context: { path: context },
      cause,
    });
  }
  return { context, src: await listContext(context) };
}

/** The build API's query: tag, Dockerfile path inside the context, args, target, labels. */
export function buildOptions(build: BuildSpec, context: string, tag: string, signal?: AbortSignal): Docker.ImageBuildOptions {
  const buildargs = Object.fromEntries(
    Object.entries(build.args).flatMap(([key, value]) => (value === null ? [] : [[key, value]])),
  );
  return {
    t: tag,
    ...(build.dockerfile !== undefined ? { dockerfile: dockerfileInContext(build.dockerfile, context) } : {}),
    buildargs,
    labels: { ...build.labels },
    ...(build.target !== undefined ? { target: build.target } : {}),
    // Remove intermediate containers even when a step fails, so builds leave nothing behind.
    rm: true,
    forcerm: true,
    ...(signal ? { abortSignal: signal } : {}),
  };
}

/** The engine reads the Dockerfile from inside the context, by a relative path. */
function dockerfileInContext(dockerfile: string, context: string): string {
  const inside = relative(context, isAbsolute(dockerfile) ? dockerfile : join(context, dockerfile));
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new BerthError('USAGE', `Dockerfile ${dockerfile} is outside the build context ${context}`);
  }
  return inside.split(sep).join('/');
}

/**
 * Files, symlinks and empty directories under `root`. Non-empty directories are left out: the
 * packer walks a listed directory itself, which would add its files twice.
 */
async function listContext(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await listContext(root, path);
      out.push(...(inner.length > 0 ? inner : [relative(root, path).split(sep).join('/')]));
    } else {
      out.push(relative(root, path).split(sep).join('/'));
    }
  }
  return out;
}
