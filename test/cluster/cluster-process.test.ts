// A 3-host berth cluster of real processes (scheduler, three agents on 127.0.0.11-13, each
// through a cuttable proxy) running a stack with constraints and replicas on the PROCESS
// driver, through every fault of issue 5. One cluster for the file; each scenario deploys its
// own stack and afterEach heals the cluster (see cluster-scenarios.ts, fault-scenarios.ts).
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { Cluster } from '../support/cluster-harness.mjs';
import { healCluster, hostLabels } from './cluster-scenarios.js';
import { agentFrozen, agentRestartedWithinGrace, connectionCut, hostKilled, nodeDrained } from './fault-scenarios.js';

const LABEL = 'process';

describe('a 3-host cluster on the process driver', () => {
  let cluster: Cluster;
  const stacks: string[] = [];

  beforeAll(async () => {
    cluster = await Cluster.start({ driver: 'process', labels: hostLabels, prefix: 'berth-cluster-proc-' });
  }, 90_000);

  afterEach(async () => {
    await healCluster(cluster, stacks.splice(0));
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it('host killed: its tasks run again on the other hosts, constraints respected', () => hostKilled(cluster, stacks, LABEL), 120_000);

  it('agent killed and back within the grace: nothing moves, nothing restarts', () => agentRestartedWithinGrace(cluster, stacks, LABEL), 120_000);

  it('connection cut 10 s: never two live copies; after restore exactly the desired set', () => connectionCut(cluster, stacks, LABEL), 150_000);

  it('agent SIGSTOPped 10 s then SIGCONT: its stale tasks stop first and every double copy ends', () => agentFrozen(cluster, stacks, LABEL), 150_000);

  it('drain: the tasks move off the node', () => nodeDrained(cluster, stacks, LABEL), 120_000);
});
