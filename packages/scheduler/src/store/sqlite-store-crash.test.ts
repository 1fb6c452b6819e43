// The real thing: a process writes through the SQLite store, flushes, keeps writing, and is
// `kill -9`ed; reopening the data dir here must hold everything it flushed, and whatever it
// wrote after that only in whole transactions. The store's sources are transpiled with
// TypeScript (a declared dev dependency) into a temp dir so a plain `node` can run them.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryStateStore } from './memory-store.js';
import { SqliteStateStore } from './sqlite-store.js';
import { writeSampleState } from './store.fixture.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SRC = join(HERE, '..');
const API_ERRORS = join(HERE, '../../../api/src/errors.ts');
const require = createRequire(import.meta.url);

const temps: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

/** The file URL of a package's ESM entry (its `import` export, else `main`). */
function packageEntry(name: string): string {
  const manifestPath = require.resolve(`${name}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    main?: string;
    exports?: { '.'?: { import?: string } };
  };
  const entry = manifest.exports?.['.']?.import ?? manifest.main ?? 'index.js';
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}

/**
 * Transpiles the writer's entry modules and, following their runtime imports, every module of
 * this package they need, into a temp dir with the same layout. `@berth/api` becomes its
 * transpiled `errors.ts` (the one runtime part the store uses); other packages resolve to
 * their installed entry files.
 */
function buildStore(entries: readonly string[]): string {
  const out = tempDir('berth-store-build-');
  const queue = entries.map((f) => join(HERE, f));
  const done = new Set<string>();
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (done.has(file)) continue;
    done.add(file);
    const target = file === API_ERRORS ? join(out, 'berth-api.js') : join(out, relative(SRC, file).replace(/\.ts$/, '.js'));
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    const js = outputText.replace(/from '([^']+)'/g, (whole, spec: string) => {
      if (spec.startsWith('.')) {
        queue.push(join(dirname(file), spec.replace(/\.js$/, '.ts')));
        return whole;
      }
      if (spec.startsWith('node:')) return whole;
      if (spec === '@berth/api') {
        queue.push(API_ERRORS);
        return `from './${relative(dirname(target), join(out, 'berth-api.js'))}'`;
      }
      return `from '${packageEntry(spec)}'`;
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
  return out;
}

// Writes the sample state, flushes, says so, then keeps rewriting the statuses of every 7th
// task, one transaction per millisecond tick, with `restarts` = 100 + tick.
const WRITER_SCRIPT = `
import { SqliteStateStore } from './store/sqlite-store.js';
import { sampleStatus, writeSampleState } from './store/store.fixture.js';
const [dataDir] = process.argv.slice(2);
const store = SqliteStateStore.open({ dataDir, now: () => 42_000, batchWindowMs: 2 });
writeSampleState(store, 300);
store.flush();
console.log('ready ' + store.revision);
let tick = 0;
setInterval(() => {
  tick++;
  store.transaction((tx) => {
    for (let i = 0; i < 300; i += 7) tx.setTaskStatus(sampleStatus('t' + i, 'running', 100 + tick));
  });
  if (tick === 30) console.log('busy');
}, 1);
`;

const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));

describe('SqliteStateStore after its process is killed', () => {
  it('holds everything flushed before the kill, and later writes only as whole transactions', async () => {
    const build = buildStore(['sqlite-store.ts', 'store.fixture.ts']);
    writeFileSync(join(build, 'writer.mjs'), WRITER_SCRIPT);
    const dataDir = tempDir('berth-store-crash-');
    const child = spawn(process.execPath, [join(build, 'writer.mjs'), dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    const lines = createInterface({ input: child.stdout! });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const said = (prefix: string): Promise<string> =>
      new Promise((resolve, reject) => {
        lines.on('line', (line) => line.startsWith(prefix) && resolve(line));
        void exited.then(() => reject(new Error(`writer exited before saying "${prefix}"`)));
      });
    const ready = said('ready');
    const busy = said('busy');
    const readyRevision = Number((await ready).split(' ')[1]);
    await busy;
    child.kill('SIGKILL');
    await exited;
    expect(child.signalCode).toBe('SIGKILL');

    const expected = new MemoryStateStore({ now: () => 42_000 });
    writeSampleState(expected, 300);
    expect(readyRevision).toBe(expected.revision);

    const store = SqliteStateStore.open({ dataDir });
    try {
      const sortByName = <T extends { name: string }>(list: T[]): T[] => [...list].sort((a, b) => a.name.localeCompare(b.name));
      expect(sortByName(store.stacks())).toEqual(sortByName(expected.stacks()));
      expect(byId(store.nodes())).toEqual(byId(expected.nodes()));
      expect(byId(store.tasks()).map((t) => t.id)).toEqual(byId(expected.tasks()).map((t) => t.id));

      // Tasks the loop touched carry one tick's value (ticks are transactions, and batches
      // hold whole transactions), and the stored revision counts exactly the ticks on disk.
      const ticks = new Set<number>();
      for (const task of store.tasks()) {
        const before = expected.task(task.id)!;
        if (task.status.restarts >= 100) {
          ticks.add(task.status.restarts - 100);
          expect({ ...task, status: before.status, revision: before.revision }).toEqual(before);
        } else {
          expect(task).toEqual(before);
        }
      }
      expect(ticks.size).toBeLessThanOrEqual(1);
      const [tick = 0] = ticks;
      expect(store.revision).toBe(readyRevision + tick);
    } finally {
      store.close();
    }
  });
});
