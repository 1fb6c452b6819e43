#!/usr/bin/env node
// Generates the wire code in packages/api/src/gen/ from proto/ with buf + ts-proto (both from
// node_modules; no system protoc). See packages/api/README.md.
//
//   node scripts/gen-proto.mjs           buf lint, then regenerate packages/api/src/gen/
//   node scripts/gen-proto.mjs --check   buf lint, generate into a temp dir, exit 1 if the
//                                        committed output differs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
/** Where buf.gen.yaml writes, relative to the repo root (its `out`). */
const GEN_DIR = join('packages', 'api', 'src', 'gen');
const buf = join(root, 'node_modules', '@bufbuild', 'buf', 'bin', 'buf');

/** Runs buf with the repo root as working directory (buf.gen.yaml's plugin path is relative). */
function runBuf(args) {
  const result = spawnSync(process.execPath, [buf, ...args], { cwd: root, stdio: 'inherit' });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`gen-proto: \`buf ${args.join(' ')}\` failed (exit ${result.status ?? 'signal'})`);
    process.exit(result.status || 1);
  }
}

/** Relative paths (with '/') of every file under dir, sorted; empty when dir is missing. */
function listFiles(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { recursive: true, withFileTypes: true });
  } catch (e) {
    if (e.code === 'ENOENT') return [];
    throw e;
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
}

/** Files that exist on one side only or whose bytes differ. */
function diffTrees(expectedDir, actualDir) {
  const expected = listFiles(expectedDir);
  const actual = new Set(listFiles(actualDir));
  const differing = [];
  for (const file of expected) {
    if (!actual.has(file)) differing.push(`${file} (missing)`);
    else if (!readFileSync(join(expectedDir, file)).equals(readFileSync(join(actualDir, file)))) {
      differing.push(`${file} (differs)`);
    }
    actual.delete(file);
  }
  for (const file of actual) differing.push(`${file} (stale: no longer generated)`);
  return differing.sort();
}

const check = process.argv.includes('--check');
runBuf(['lint']);

if (!check) {
  // buf.gen.yaml has `clean: true` too; removing the folder here as well keeps stale files of
  // deleted protos from surviving a template change.
  rmSync(join(root, GEN_DIR), { recursive: true, force: true });
  runBuf(['generate']);
  console.log(`gen-proto: generated ${listFiles(join(root, GEN_DIR)).length} files in ${GEN_DIR}`);
} else {
  const tmp = mkdtempSync(join(tmpdir(), 'berth-gen-'));
  try {
    runBuf(['generate', '--output', tmp]);
    const differing = diffTrees(join(tmp, GEN_DIR), join(root, GEN_DIR));
    if (differing.length > 0) {
      console.error(`gen-proto: ${GEN_DIR} is out of date with proto/:`);
      for (const line of differing) console.error(`  ${line}`);
      console.error('Run `npm run gen` and commit the result.');
      process.exitCode = 1;
    } else {
      console.log(`gen-proto: ${GEN_DIR} is up to date`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
