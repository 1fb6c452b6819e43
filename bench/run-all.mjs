// Runs every benchmark under bench/ one after another and prints their figures. Benchmarks
// that need a Docker engine say so and are skipped when none answers. Build first: npm run build.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
// Benchmarks whose own default is a smaller run than the figures the README quotes.
const ARGS = { 'scale-cluster.mjs': ['--agents', '1000', '--tasks', '100000'] };
const only = process.argv.slice(2);
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.mjs') && f !== 'run-all.mjs' && !f.includes('-lib'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n=== ${bench}`);
  const r = spawnSync(process.execPath, [path.join(dir, bench), ...(ARGS[bench] ?? [])], { stdio: 'inherit', timeout: 15 * 60_000 });
  if (r.status !== 0) {
    failed++;
    console.log(`(${bench} exited with ${r.status ?? r.signal})`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
