// @ts-check
/**
 * The few Docker Engine API calls a cluster harness needs (list containers by label, remove
 * one), over the engine's unix socket with node:http. Not dockerode and not the `docker` CLI:
 * the harness samples every 100 ms on a small shared machine, and a CLI spawn costs tens of
 * milliseconds of CPU each; plain JS so the benchmarks can use it too. Types: .d.mts beside.
 */
import http from 'node:http';

const API_TIMEOUT_MS = 20_000;

/** The engine's unix socket: DOCKER_HOST when it is `unix://…`, else the default one. */
export function dockerSocketPath(env = process.env) {
  const host = env['DOCKER_HOST'];
  if (host === undefined || host === '') return '/var/run/docker.sock';
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  throw new Error(`DOCKER_HOST=${host}: the cluster harness only speaks to a unix-socket engine`);
}

/**
 * @param {string} method
 * @param {string} path
 * @param {string} [socketPath]
 * @returns {Promise<{ status: number; body: string }>}
 */
function request(method, path, socketPath = dockerSocketPath()) {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, method, path, timeout: API_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`docker ${method} ${path}: no answer in ${API_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Containers carrying every one of `labels` (`key=value`); running ones only unless `all`.
 * @param {string[]} labels
 * @param {{ all?: boolean }} [options]
 * @returns {Promise<Array<{ id: string; state: string; labels: Record<string, string> }>>}
 */
export async function listContainers(labels, options = {}) {
  if (labels.length === 0) throw new Error('listContainers needs at least one label: it never lists everything');
  const filters = encodeURIComponent(JSON.stringify({ label: labels }));
  const res = await request('GET', `/containers/json?all=${options.all ? 1 : 0}&filters=${filters}`);
  if (res.status !== 200) throw new Error(`docker list containers (${labels.join(', ')}): ${res.status} ${res.body}`);
  /** @type {Array<{ Id: string; State: string; Labels: Record<string, string> | null }>} */
  const listed = JSON.parse(res.body);
  return listed.map((c) => ({ id: c.Id, state: c.State, labels: c.Labels ?? {} }));
}

/**
 * Removes a container (forced, with its anonymous volumes); false when it was already gone.
 * @param {string} id
 */
export async function removeContainer(id) {
  const res = await request('DELETE', `/containers/${encodeURIComponent(id)}?force=1&v=1`);
  if (res.status === 204) return true;
  // 404: gone; 409: already being removed.
  if (res.status === 404 || res.status === 409) return false;
  throw new Error(`docker remove ${id}: ${res.status} ${res.body}`);
}

/**
 * Removes the networks (then volumes) carrying `label`; returns how many went.
 * @param {string} label
 */
export async function removeNetworksAndVolumes(label) {
  const filters = encodeURIComponent(JSON.stringify({ label: [label] }));
  let removed = 0;
  const nets = await request('GET', `/networks?filters=${filters}`);
  if (nets.status !== 200) throw new Error(`docker list networks (${label}): ${nets.status} ${nets.body}`);
  for (const n of /** @type {Array<{ Id: string }>} */ (JSON.parse(nets.body))) {
    const r = await request('DELETE', `/networks/${n.Id}`);
    if (r.status === 204) removed += 1;
    else if (r.status !== 404) throw new Error(`docker remove network ${n.Id}: ${r.status} ${r.body}`);
  }
  const vols = await request('GET', `/volumes?filters=${filters}`);
  if (vols.status !== 200) throw new Error(`docker list volumes (${label}): ${vols.status} ${vols.body}`);
  for (const v of /** @type {{ Volumes: Array<{ Name: string }> | null }} */ (JSON.parse(vols.body)).Volumes ?? []) {
    const r = await request('DELETE', `/volumes/${encodeURIComponent(v.Name)}`);
    if (r.status === 204) removed += 1;
    else if (r.status !== 404) throw new Error(`docker remove volume ${v.Name}: ${r.status} ${r.body}`);
  }
  return removed;
}

/**
 * True when the engine holds image `ref` locally (never pulls).
 * @param {string} ref
 */
export async function imagePresent(ref) {
  const res = await request('GET', `/images/${encodeURIComponent(ref)}/json`);
  return res.status === 200;
}

/** True when the engine answers `/_ping` (within 3 s). */
export async function dockerAnswers() {
  try {
    const res = await Promise.race([
      request('GET', '/_ping'),
      new Promise((_resolve, reject) => setTimeout(() => reject(new Error('timeout')), 3_000).unref()),
    ]);
    return /** @type {{ status: number }} */ (res).status === 200;
  } catch {
    return false;
  }
}
