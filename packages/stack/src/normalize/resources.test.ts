import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { normalizeResources } from './resources.js';

const resources = (service: RawMap) => {
  const diag = new Diagnostics();
  const spec = normalizeResources(service, ['services', 'web'], diag);
  return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
};

describe('normalizeResources', () => {
  it('reads limits and reservations (cpus as number or text, memory as size)', () => {
    expect(
      resources({ deploy: { resources: { limits: { cpus: '0.5', memory: '512M', pids: 100 }, reservations: { cpus: 0.25, memory: '128m' } } } }),
    ).toEqual({
      spec: { limits: { cpus: 0.5, memoryBytes: 536_870_912, pids: 100 }, reservations: { cpus: 0.25, memoryBytes: 134_217_728 } },
      messages: [],
    });
  });

  it('maps service-level cpus, mem_limit, mem_reservation and pids_limit when deploy does not set them', () => {
    expect(resources({ cpus: 1.5, mem_limit: '1g', mem_reservation: 268_435_456, pids_limit: 50 }).spec).toEqual({
      limits: { cpus: 1.5, memoryBytes: 1_073_741_824, pids: 50 },
      reservations: { memoryBytes: 268_435_456 },
    });
  });

  it('accepts equal values in both places and reports distinct ones', () => {
    expect(resources({ cpus: '0.5', deploy: { resources: { limits: { cpus: 0.5 } } } })).toEqual({
      spec: { limits: { cpus: 0.5 }, reservations: {} },
      messages: [],
    });
    expect(
      resources({ cpus: 2, mem_limit: '1g', mem_reservation: '1m', pids_limit: 10, deploy: { resources: { limits: { cpus: 1, memory: '2g', pids: 20 }, reservations: { memory: '2m' } } } })
        .messages,
    ).toEqual([
      "services.web.cpus: can't set distinct values on 'cpus' and 'deploy.resources.limits.cpus'",
      "services.web.mem_limit: can't set distinct values on 'mem_limit' and 'deploy.resources.limits.memory'",
      "services.web.mem_reservation: can't set distinct values on 'mem_reservation' and 'deploy.resources.reservations.memory'",
      "services.web.pids_limit: can't set distinct values on 'pids_limit' and 'deploy.resources.limits.pids'",
    ]);
  });

  it('treats 0 cpus and -1/0 pids as unlimited, and reports bad numbers', () => {
    expect(resources({ cpus: 0, pids_limit: -1 }).spec).toEqual({ limits: {}, reservations: {} });
    expect(resources({ deploy: { resources: { limits: { cpus: 'lots', memory: 'huge', pids: -5 } } } }).messages).toEqual([
      'services.web.deploy.resources.limits.cpus: expected a number, got "lots"',
      'services.web.deploy.resources.limits.memory: invalid size "huge": expected bytes or a number with a unit (b, k, m, g, t), e.g. "512m"',
      'services.web.deploy.resources.limits.pids: must be at least -1, got -5',
    ]);
  });
});
