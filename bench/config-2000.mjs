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

/**
 * Two service shapes. `typical` is the size of an awesome-compose service (~300 bytes: image,
 * ports, environment, a volume, depends_on, restart); `heavy` adds a health check, labels,
 * deploy resources and placement (~700 bytes). The target (under 1 s) is for the typical file;
 * the heavy one shows how it scales with file size.
 */
function typical(i) {
  const dep = i > 0 ? `\n    depends_on: [svc${i - 1}]` : '';
  return `  svc${i}:
    image: registry.local/app-${i % 17}:1.${i % 5}
    ports:
      - "127.0.0.1:${10000 + i}:8080"
    environment:
      SERVICE_ID: "${i}"
      LOG_LEVEL: \${LOG_LEVEL:-info}
    volumes:
      - data${i % 50}:/data
    restart: unless-stopped${dep}
`;
}

function heavy(i) {
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

function stackFile(shape) {
  let text = 'name: bench\nservices:\n';
  for (let i = 0; i < services; i++) text += shape(i);
  text += 'volumes:\n';
  for (let v = 0; v < 50; v++) text += `  data${v}: {}\n`;
  const file = path.join(dir, `${shape.name}.yaml`);
  writeFileSync(file, text);
  return file;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, n=${xs.length})`;

for (const shape of [typical, heavy]) {
  const file = stackFile(shape);
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
  console.log(`berth config, ${services} ${shape.name} services (${(statSync(file).size / 1024).toFixed(0)} KiB, ${warnings} warnings)`);
  console.log(`  whole CLI process (node start-up included): ${fmt(cli)}`);
  console.log(`  loadStack in-process:                       ${fmt(inproc)}`);
}
rmSync(dir, { recursive: true, force: true });
