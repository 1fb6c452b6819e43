import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactTokenArguments } from './redact-token.js';

const TOKEN = `BERTH-1-${'a'.repeat(64)}-${'b'.repeat(32)}`;

describe('redactTokenArguments', () => {
  it.each([
    [['agent', '--join', 'h:1', '--token', TOKEN, '--data-dir', 'd'], ['agent', '--join', 'h:1', '--token', REDACTED, '--data-dir', 'd']],
    [['agent', `--token=${TOKEN}`], ['agent', `--token=${REDACTED}`]],
    [['agent', '--join', 'h:1'], ['agent', '--join', 'h:1']],
    [['agent', '--token'], ['agent', '--token']],
    [['agent', '--', '--token', 'x'], ['agent', '--', '--token', 'x']],
  ])('%j', (argv, expected) => {
    expect(redactTokenArguments(argv)).toEqual(expected);
  });
});

describe('the process title mechanism hideTokenFromProcessList relies on', () => {
  it.runIf(process.platform === 'linux')('a new process.title replaces /proc/PID/cmdline, token and all', () => {
    // A child process started with the token on its command line, so this test run's title is left alone.
    const argv = ['agent', '--join', '127.0.0.1:7400', '--token', TOKEN];
    const title = [process.execPath, '-e', '…', ...redactTokenArguments(argv)].join(' ');
    const script = "process.title = process.env.TITLE; process.stdout.write(require('node:fs').readFileSync('/proc/self/cmdline', 'utf8'));";
    const child = spawnSync(process.execPath, ['-e', script, ...argv], { env: { ...process.env, TITLE: title }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(child.stdout).not.toContain(TOKEN);
    expect(child.stdout).toContain(`--token ${REDACTED}`);
  });
});
