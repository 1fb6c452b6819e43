// @ts-check
/**
 * A background sampler of reality for a cluster harness: calls `sample` every `intervalMs`
 * (measured start to start, so a slow sample does not stretch the rhythm more than itself),
 * keeps every sample and folds them into double-copy windows (copy-windows.mjs). Types: the
 * Watch interface in cluster-harness.d.mts.
 */
import { sleep } from './berth-process.mjs';
import { CopyWindows } from './copy-windows.mjs';

/**
 * @param {() => Promise<import('./cluster-harness.d.mts').TaskSample>} sample
 * @param {number} intervalMs
 * @param {() => void} [onStop]
 * @returns {import('./cluster-harness.d.mts').Watch}
 */
export function startWatch(sample, intervalMs, onStop = () => undefined) {
  const windows = new CopyWindows();
  /** @type {import('./cluster-harness.d.mts').TaskSample[]} */
  const samples = [];
  let running = true;
  /** @type {unknown} */
  let failure;
  const loop = (async () => {
    while (running) {
      const started = Date.now();
      try {
        const s = await sample();
        samples.push(s);
        windows.add(s.at, s.copies);
      } catch (error) {
        failure = error;
        return;
      }
      await sleep(Math.max(0, intervalMs - (Date.now() - started)));
    }
  })();
  return {
    samples,
    windows,
    stop: async () => {
      running = false;
      await loop;
      onStop();
      if (failure !== undefined) throw failure;
      return windows;
    },
  };
}
