// Reads a V8 .cpuprofile (what `node --cpu-prof` writes) and lists where the time went: self
// time per function, and inclusive time per function of berth's own packages, so a bench can
// say which part of the scheduler is hot without opening DevTools. Not a benchmark itself.
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** `fn (packages/scheduler/dist/x.js:12)`: a frame's name and where it is, relative to the repo when inside it. */
function frameKey(callFrame, root) {
  const name = callFrame.functionName || '(anonymous)';
  if (callFrame.url === '') return name;
  let where = callFrame.url.replace(/^file:\/\//, '');
  if (root !== undefined && where.startsWith(root)) where = path.relative(root, where);
  return `${name} (${where}:${callFrame.lineNumber + 1})`;
}

/**
 * The `top` functions by self time, and by inclusive time among frames whose file path contains
 * `focus` (default `/packages/`), from the profile at `file`. Times in ms.
 */
export function summarizeCpuProfile(file, { top = 15, focus = '/packages/', root } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map();
  const inclusive = new Map();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const us = profile.timeDeltas[i] ?? 0;
    totalUs += us;
    const node = byId.get(id);
    const key = frameKey(node.callFrame, root);
    self.set(key, (self.get(key) ?? 0) + us);
    // Each function once per sample, however often it recurs in the stack.
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at).callFrame;
      if (!frame.url.includes(focus)) continue;
      const k = frameKey(frame, root);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  });
  const rank = (map) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({ fn, ms: us / 1000, share: totalUs === 0 ? 0 : us / totalUs }));
  return { totalMs: totalUs / 1000, self: rank(self), inclusive: rank(inclusive) };
}

/** Prints a summary from {@link summarizeCpuProfile}. */
export function printCpuProfileSummary(summary, label) {
  const row = (r) => `    ${r.ms.toFixed(0).padStart(7)} ms ${(r.share * 100).toFixed(1).padStart(5)}%  ${r.fn}`;
  console.log(`${label}: ${summary.totalMs.toFixed(0)} ms of samples`);
  console.log('  self time, top functions:');
  for (const r of summary.self) console.log(row(r));
  console.log("  inclusive time, berth's own functions:");
  for (const r of summary.inclusive) console.log(row(r));
}
