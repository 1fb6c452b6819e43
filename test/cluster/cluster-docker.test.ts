// The same 3-host cluster as cluster-process.test.ts, on the DOCKER driver: three agents share
// one engine and each manages only the containers labelled io.berth.node=<its node id>. The
// same faults: host killed (agent SIGKILLed and its containers removed), agent restarted
// within the grace, connection cut, agent frozen (SIGSTOP/SIGCONT), drain. Without an engine these tests skip with
// a note, and fail under CI=true (describeDocker).
import { afterAll, afterEach, beforeAll, it } from 'vitest';
import { Cluster } from '../support/cluster-harness.mjs';
import { describeDocker } from '../support/docker.js';
import { healCluster, hostLabels } from './cluster-scenarios.js';
import { agentFrozen, agentRestartedWithinGrace, connectionCut, hostKilled, nodeDrained } from './fault-scenarios.js';

const LABEL = 'docker';

await describeDocker('a 3-host cluster on the Docker driver', () => {
  let cluster: Cluster | undefined;
  const stacks: string[] = [];
  const started = (): Cluster => {
    if (cluster === undefined) throw new Error('the cluster did not start');
    return cluster;
  };

  beforeAll(async () => {
    cluster = await Cluster.start({ driver: 'docker', labels: hostLabels, prefix: 'berth-cluster-docker-' });
  }, 90_000);

  afterEach(async () => {
    if (cluster !== undefined) await healCluster(cluster, stacks.splice(0));
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 90_000);

  it('host killed: its containers run again on the other hosts, constraints respected', () => hostKilled(started(), stacks, LABEL), 150_000);

  it('agent killed and back within the grace: the same containers keep running', () => agentRestartedWithinGrace(started(), stacks, LABEL), 150_000);

  it('connection cut 10 s: never two running containers per slot; then exactly the desired set', () => connectionCut(started(), stacks, LABEL), 180_000);

  it('agent SIGSTOPped 10 s then SIGCONT: its stale containers stop first and every double copy ends', () => agentFrozen(started(), stacks, LABEL), 180_000);

  it('drain: the containers move off the node', () => nodeDrained(started(), stacks, LABEL), 150_000);
});
