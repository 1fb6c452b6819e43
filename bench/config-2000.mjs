// Benchmark: `berth config` on a generated 2,000-service stack file (target: under 1 s).
// Prints the median and spread of the whole CLI process (node start-up included) and of the
// in-process load. Usage: npm run build && node bench/config-2000.mjs [services] [runs]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadStack } from '@berth/stack';

const services = Number(process.argv[2] ?? 2000);
const runs = Number(process.argv[3] ?? 7);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'berth-bench-config-'));
const file = path.join(dir, 'stack.yaml');

/** A realistic service: image, env, ports, volumes, health check, depends_on, deploy. */
function service(i) {
  const dep = i > 0 ? `\n    depends_on:\n      svc${i - 1}:\n        condition: service_started` : '';
  return `  svc${i}:
    image: registry.local/app-${i % 17}:1.${i % 5}
    command: ["serve", "--port", "8080", "--id", "${i}"]
    environment:
      SERVICE_ID: "${i}"
      LOG_LEVEL: \${LOG_LEVEL:-info}
    ports:
      - "127.0.0.1:${10000 + i}:8080"
    volumes:
      - data${i % 50}:/data
      - ./conf:/etc/app:ro
    labels:
      team: t${i % 9}
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/health"]
      interval: 10s
      timeout: 2s
      retries: 3
    deploy:
      replicas: ${1 + (i % 3)}
      resources:
        limits: { cpus: "0.5", memory: 256M }
      placement:
        constraints: ["node.labels.zone == z${i % 3}"]${dep}
`;
}
let text = 'name: bench\nservices:\n';
for (let i = 0; i < services; i++) text += service(i);
text += 'volumes:\n';
for (let v = 0; v < 50; v++) text += `  data${v}: {}\n`;
writeFileSync(file, text);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;

const cli = [];
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  execFileSync(process.execPath, [path.join(root, 'packages/cli/bin/berth.js'), 'config', '-q', '-f', file], { stdio: 'pipe' });
  cli.push(performance.now() - t0);
}
const inproc = [];
let warnings = 0;
for (let r = 0; r < runs; r++) {
  const t0 = performance.now();
  const result = loadStack({ files: [file], env: {} });
  inproc.push(performance.now() - t0);
  if (!result.stack) throw new Error(`bench stack did not load: ${result.errors[0]?.message}`);
  warnings = result.warnings.length;
}
console.log(`berth config, ${services} services (${(statSync(file).size / 1024).toFixed(0)} KiB, ${warnings} warnings)`);
console.log(`  whole CLI process (node start-up included): ${fmt(cli)}`);
console.log(`  loadStack in-process:                       ${fmt(inproc)}`);
rmSync(dir, { recursive: true, force: true });
