/**
 * Same-named twins of a stack network. Engines before API 1.44 check network names only
 * best-effort, so two agents sharing one engine that create a stack's network in the same
 * instant can both succeed; from then on the engine refuses the name as "ambiguous" and no
 * container can join it. Whoever notices settles it with one rule every agent shares:
 *
 *   twins ─▶ keep the one with containers attached (else the lowest id) ─▶ remove the idle others
 *
 * Only networks berth made for this very stack are ever removed; a person's network of the
 * same name is left alone (and the ambiguity reported).
 */
import type Docker from 'dockerode';
import { BerthError } from '@berth/api';
import { engineMessage, engineStatus, toBerthError } from './docker-errors.js';
import { BERTH_LABELS } from './engine-names.js';

/** One of the same-named networks, as the settling sees it. */
export interface NetworkTwin {
  id: string;
  /** Containers attached right now. */
  endpoints: number;
  /** True when berth made it for the stack being settled (its labels say so). */
  ours: boolean;
}

// A twin that got attached between our inspect and our removal moves the decision; a few
// rounds settle any interleaving of two or three agents.
const SETTLE_ROUNDS = 3;

/** True when the engine refused a network name because several networks carry it. */
export function isAmbiguousNetwork(err: unknown): boolean {
  return /network \S+ is ambiguous/.test(engineMessage(err));
}

/**
 * True when a container could not join a stack network because of such a race: the name is
 * ambiguous, or the twin it resolved to was just removed.
 */
export function isNetworkRace(err: unknown): boolean {
  return isAmbiguousNetwork(err) || /network \S+ not found/.test(engineMessage(err));
}

/** The id of the twin to keep: the one in use (most containers), ties and idle ones by the lowest id. Pure. */
export function networkToKeep(twins: readonly NetworkTwin[]): string | undefined {
  const ranked = [...twins].sort((a, b) => b.endpoints - a.endpoints || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return ranked[0]?.id;
}

/**
 * Leaves one network named `name` on the engine (see the module comment); a no-op when there
 * is one. Throws BerthError CONFLICT when the twins cannot be settled (a person's network of
 * the same name, or twins that are all in use).
 */
export async function settleDuplicateNetworks(docker: Docker, name: string, stack: string, where: string): Promise<void> {
  for (let round = 0; round < SETTLE_ROUNDS; round += 1) {
    const twins = await networkTwins(docker, name, stack, where);
    if (twins.length <= 1) return;
    const keep = networkToKeep(twins);
    const extra = twins.filter((t) => t.id !== keep && t.ours && t.endpoints === 0);
    if (extra.length === 0) break;
    for (const twin of extra) {
      try {
        await docker.getNetwork(twin.id).remove();
      } catch (err) {
        // Gone already (another agent settled it) or just got a container: the next round sees.
        if (engineStatus(err) !== 404 && !/active endpoints|in use/i.test(engineMessage(err))) {
          throw toBerthError(err, `removing a duplicate of network "${name}"`, where);
        }
      }
    }
  }
  const left = await networkTwins(docker, name, stack, where);
  if (left.length <= 1) return;
  throw new BerthError(
    'CONFLICT',
    `network "${name}" exists ${left.length} times on the engine at ${where} and berth cannot tell which to use; ` +
      `remove the extra ones (docker network ls --filter name=${name})`,
    { context: { network: name, ids: left.map((t) => t.id) } },
  );
}

/** Every network named exactly `name`, with its attached containers and whether berth made it for `stack`. */
async function networkTwins(docker: Docker, name: string, stack: string, where: string): Promise<NetworkTwin[]> {
  let listed: Docker.NetworkInspectInfo[];
  try {
    // The engine's name filter matches substrings; the exact comparison is ours.
    listed = (await docker.listNetworks({ filters: { name: [name] } })).filter((n) => n.Name === name);
  } catch (err) {
    throw toBerthError(err, `listing networks named "${name}"`, where);
  }
  const twins: NetworkTwin[] = [];
  for (const { Id: id } of listed) {
    let info: { Containers?: Record<string, unknown>; Labels?: Record<string, string> };
    try {
      // The list leaves out attached containers; the inspect has them.
      info = (await docker.getNetwork(id).inspect()) as typeof info;
    } catch (err) {
      if (engineStatus(err) === 404) continue;
      throw toBerthError(err, `inspecting network ${id.slice(0, 12)}`, where);
    }
    const labels = info.Labels ?? {};
    twins.push({
      id,
      endpoints: Object.keys(info.Containers ?? {}).length,
      ours: labels[BERTH_LABELS.stack] === stack && labels[BERTH_LABELS.network] !== undefined,
    });
  }
  return twins;
}
