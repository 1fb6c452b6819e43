/**
 * Keeping the join token out of `ps`. A process's command line is readable by every user of
 * the host (/proc/PID/cmdline), and an agent runs for months: `berth agent --token T` would
 * show the secret that admits new nodes all that time. The agent rewrites its process title
 * without it as soon as it starts (BERTH_JOIN_TOKEN avoids even that first moment).
 */

/** The placeholder that replaces a token in the command line. */
export const REDACTED = '<redacted>';

/** `argv` with the value of every `--token` (`--token T` or `--token=T`) replaced by {@link REDACTED}. */
export function redactTokenArguments(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      out.push(...argv.slice(i));
      break;
    }
    if (arg.startsWith('--token=')) {
      out.push(`--token=${REDACTED}`);
    } else if (arg === '--token' && i + 1 < argv.length) {
      out.push(arg, REDACTED);
      i += 1;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** Replaces this process's title (what `ps` shows) with its command line minus the join token; no-op when there is none. */
export function hideTokenFromProcessList(argv: readonly string[] = process.argv): void {
  const redacted = redactTokenArguments(argv);
  if (redacted.every((arg, i) => arg === argv[i])) return;
  // On Linux this overwrites the memory /proc/PID/cmdline reads (never longer than the original).
  process.title = redacted.join(' ');
}
