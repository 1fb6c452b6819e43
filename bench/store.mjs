// Benchmark: the scheduler's SQLite state store. Writes 100,000 task status updates through
// it, as a dispatcher would (1,000 reports per event-loop turn, default batch window), until
// all are on disk; then closes and times the reopen (the full load into memory).
// Usage: npx tsc -b packages/scheduler && node bench/store.mjs [updates] [tasks] [runs]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MemoryStateStore } from '../packages/scheduler/dist/store/memory-store.js';
import { SqliteStateStore } from '../packages/scheduler/dist/store/sqlite-store.js';
import { sampleStatus, sampleTask } from '../packages/scheduler/dist/store/store.fixture.js';

const updates = Number(process.argv[2] ?? 100_000);
const taskCount = Number(process.argv[3] ?? updates);
const runs = Number(process.argv[4] ?? 3);
const PER_TURN = 1_000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** Puts `taskCount` placed tasks in one transaction. */
function fill(store) {
  store.transaction((tx) => {
    for (let i = 0; i < taskCount; i++) tx.putTask(sampleTask(`task-${i}`, 'bench', `svc${i % 100}`, Math.floor(i / 100) + 1, `node-${i % 20}`));
  });
}

/** Sends the updates in turns of PER_TURN; resolves when the last one is durable. */
async function sendUpdates(store) {
  const statuses = Array.from({ length: updates }, (_, i) => sampleStatus(`task-${i % taskCount}`, 'running', 1 + Math.floor(i / taskCount)));
  const t0 = performance.now();
  for (let i = 0; i < updates; i += PER_TURN) {
    for (let j = i; j < Math.min(i + PER_TURN, updates); j++) store.setTaskStatus(statuses[j]);
    await turn();
  }
  store.flush();
  return performance.now() - t0;
}

const write = [];
const memory = [];
const reopen = [];
let stats;
let size = 0;
for (let r = 0; r < runs; r++) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'berth-bench-store-'));
  try {
    let store = SqliteStateStore.open({ dataDir });
    fill(store);
    store.flush();
    const before = store.writeStats();
    write.push(await sendUpdates(store));
    const after = store.writeStats();
    stats = { batches: after.batches - before.batches, rows: after.rows - before.rows };
    store.close();
    size = statSync(store.file).size;

    const t0 = performance.now();
    store = SqliteStateStore.open({ dataDir });
    reopen.push(performance.now() - t0);
    if (store.taskCount !== taskCount) throw new Error(`reopened with ${store.taskCount} tasks, wrote ${taskCount}`);
    store.close();

    const mem = new MemoryStateStore();
    fill(mem);
    memory.push(await sendUpdates(mem));
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
console.log(`state store, ${updates} status updates over ${taskCount} tasks, ${PER_TURN} per event-loop turn`);
console.log(`  SQLite, until all durable (flushed): ${fmt(write)}; ${stats.batches} transactions, ${stats.rows} rows`);
console.log(`  memory store, same updates:          ${fmt(memory)}`);
console.log(`  reopen (load ${taskCount} tasks, ${(size / 2 ** 20).toFixed(1)} MiB): ${fmt(reopen)}`);
