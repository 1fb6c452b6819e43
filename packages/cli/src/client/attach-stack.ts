/**
 * `up` without -d, as `docker compose up` behaves: progress until the tasks have started, then
 * the stack's logs until Ctrl-C; the first Ctrl-C removes the stack ("Gracefully stopping…")
 * and waits for it, bounded; a second one stops waiting at once (exit status 130) and leaves
 * the scheduler to finish the removal.
 */
import { ExitStatus } from '../exit-status.js';
import { changeLines } from '../output/deploy-changes.js';
import { ProgressDisplay } from '../output/progress-display.js';
import { colorsOn } from '../output/stream-kind.js';
import { taskName } from '../output/task-name.js';
import type { Terminal } from '../output/terminal.js';
import type { ControlClient } from './control-api.js';
import { followStackLogs } from './follow-stack-logs.js';
import { Interrupts } from './interrupts.js';
import { logWriter } from './log-writer.js';
import { removeStack } from './remove-stack.js';
import type { ServiceExpectation } from './service-expectations.js';
import { currentTasks, readyToAttach } from './wait-condition.js';
import { watchStack } from './watch-stack.js';

/** How long a forced stop waits before exiting even with a call still in flight (ms). */
const FORCED_EXIT_DELAY_MS = 300;

/** What attaching needs. */
export interface AttachOptions {
  stack: string;
  services: ReadonlyMap<string, ServiceExpectation>;
  /** Tasks the deploy replaces (see `outdated-tasks.ts`). */
  outdated: ReadonlySet<string>;
  term: Terminal;
  /** Longest time progress is shown before the logs start anyway (ms). */
  progressTimeoutMs: number;
}

/** Runs attached `up` on an already deployed stack; resolves to the exit status. */
export async function attachStack(client: ControlClient, options: AttachOptions): Promise<number> {
  const { stack, term } = options;
  const color = colorsOn(term, term.out);
  const interrupts = new Interrupts();
  const stop = new AbortController();
  void interrupts.first.then(() => stop.abort());
  try {
    const display = new ProgressDisplay(term.out, color);
    const watched = await watchStack(client, {
      stack,
      services: options.services,
      outdated: options.outdated,
      show: (entries) => display.show(entries),
      until: (tasks, decision) => readyToAttach(tasks, decision, options.outdated),
      timeoutMs: options.progressTimeoutMs,
      signal: stop.signal,
    }).finally(() => display.finish());
    if (!stop.signal.aborted) {
      const names = currentTasks(watched.tasks, options.outdated).map((t) => taskName(t));
      term.out.write(`attaching to ${names.length > 0 ? names.join(', ') : stack}\n`);
      const write = logWriter(term.out, { prefix: true, color, services: [...options.services.keys()].sort() });
      await followStackLogs(client, { stack, write, warn: (m) => term.err.write(`berth: ${m}\n`), signal: stop.signal });
    }
    term.err.write('Gracefully stopping... (press Ctrl+C again to force)\n');
    const removal = removeStack(client, stack);
    // A forced exit closes the client under the removal; its failure then means nothing.
    removal.catch(() => undefined);
    const first = await Promise.race([removal, interrupts.second.then(() => 'forced' as const)]);
    if (first === 'forced') {
      term.err.write(`berth: not waiting any longer; the scheduler goes on removing stack ${stack}\n`);
      // grpc-js lets a call in flight finish after the client is closed, and the Remove may
      // wait out stop grace periods. Unref'd, the timer fires only if something still holds
      // the process by then; the delay lets the output above drain first.
      setTimeout(() => process.exit(ExitStatus.INTERRUPTED), FORCED_EXIT_DELAY_MS).unref();
      return ExitStatus.INTERRUPTED;
    }
    if (first.deployed && first.stillRunning.length > 0) {
      term.err.write(`berth: stack ${stack} was removed but ${first.stillRunning.map((t) => taskName(t)).join(', ')} had not stopped yet\n`);
      return ExitStatus.FAILED;
    }
    const removed = first.deployed ? first.removedServices : [];
    for (const line of changeLines(removed.map((service) => ({ service, kind: 'removed' as const, changedFields: [] })), color)) term.out.write(line + '\n');
    return ExitStatus.OK;
  } finally {
    interrupts.dispose();
  }
}
