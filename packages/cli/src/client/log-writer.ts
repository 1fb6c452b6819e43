/** Writes log lines to the output, each behind its task's colored `name | ` prefix (or none). */
import { LogPrefixer } from '../output/log-prefix.js';
import { taskName } from '../output/task-name.js';
import type { LogLine } from './control-api.js';

/** How log lines are written. */
export interface LogWriterOptions {
  /** Print `web-1 | ` before each line (`--no-prefix` turns it off). */
  prefix: boolean;
  color: boolean;
  /** Services in the order their colors are handed out. */
  services?: readonly string[];
}

/** Returns a function that writes one log line to `out`. */
export function logWriter(out: NodeJS.WritableStream, options: LogWriterOptions): (line: LogLine) => void {
  const prefixer = new LogPrefixer(options.color, options.services ?? []);
  return (line) => {
    const head = options.prefix ? prefixer.prefix(line.service, taskName({ service: line.service, slot: line.slot, id: line.taskId })) : '';
    out.write(head + line.text + '\n');
  };
}
