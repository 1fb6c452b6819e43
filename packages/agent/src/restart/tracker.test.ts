import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RESTART_BACKOFF,
  type RestartBackoffSettings,
  type RestartPolicySpec,
} from '@berth/api';
import { RestartTracker, type ExitReason, type RestartDecision } from './tracker.js';

const policy = (over: Partial<RestartPolicySpec> = {}): RestartPolicySpec => ({
  condition: 'any',
  maxAttempts: 0,
  windowMs: 0,
  ...over,
});

/** One run: how long it lasts before it ends, and how. */
interface Run {
  ranMs: number;
  exitCode?: number;
  reason?: ExitReason;
}

/**
 * Drives a tracker with an injected clock: start at t, run, exit, wait the decided delay, start
 * again, until the runs are used up or the tracker gives up. Returns every decision.
 */
function drive(tracker: RestartTracker, runs: Run[], t0 = 1_000_000): RestartDecision[] {
  const decisions: RestartDecision[] = [];
  let now = t0;
  for (const run of runs) {
    tracker.started(now);
    now += run.ranMs;
    const decision = tracker.exited({
      exitCode: run.exitCode ?? 1,
      now,
      reason: run.reason ?? 'exit',
    });
    decisions.push(decision);
    if (decision.action === 'give-up') break;
    now += decision.delayMs;
  }
  return decisions;
}

const delays = (decisions: RestartDecision[]): number[] =>
  decisions.flatMap((d) => (d.action === 'restart' ? [d.delayMs] : []));
const crashes = (count: number, ranMs = 200): Run[] =>
  Array.from({ length: count }, () => ({ ranMs }));

describe('RestartTracker backoff', () => {
  it('a task exiting 1 every 200 ms restarts after 0, 100, 200, 400 … capped at 60 s', () => {
    const tracker = new RestartTracker(policy({ condition: 'on-failure' }));
    expect(delays(drive(tracker, crashes(14)))).toEqual([
      0, 100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000,
    ]);
    expect(tracker.restarts).toBe(13); // the 14th restart was decided but not yet started
  });

  it('a run of resetAfterMs (10 s) resets the curve: the next restart is immediate again', () => {
    const runs = [...crashes(5), { ranMs: 10_000 }, ...crashes(3)];
    expect(delays(drive(new RestartTracker(policy()), runs))).toEqual([
      0, 100, 200, 400, 800, 0, 100, 200, 400,
    ]);
  });

  it('a run just short of resetAfterMs does not reset', () => {
    const runs = [...crashes(5), { ranMs: 9_999 }, ...crashes(1)];
    expect(delays(drive(new RestartTracker(policy()), runs))).toEqual([
      0, 100, 200, 400, 800, 1600, 3200,
    ]);
  });

  it('the multiplier, initial delay, cap and reset point are tunable', () => {
    const backoff: RestartBackoffSettings = {
      initialMs: 50,
      maxMs: 1000,
      multiplier: 3,
      resetAfterMs: 500,
    };
    const runs = [...crashes(6), { ranMs: 500 }, ...crashes(2), { ranMs: 499 }];
    expect(delays(drive(new RestartTracker(policy(), backoff), runs))).toEqual([
      0, 50, 150, 450, 1000, 1000, 0, 50, 150, 450,
    ]);
  });

  it('a fixed delayMs replaces the backoff for every restart, reset or not', () => {
    const runs = [...crashes(4), { ranMs: 60_000 }, ...crashes(2)];
    expect(delays(drive(new RestartTracker(policy({ delayMs: 5000 })), runs))).toEqual([
      5000, 5000, 5000, 5000, 5000, 5000, 5000,
    ]);
    const immediate = new RestartTracker(policy({ delayMs: 0 }));
    expect(delays(drive(immediate, crashes(3)))).toEqual([0, 0, 0]);
  });

  it('says what happened and when the restart comes', () => {
    const [first, second] = drive(new RestartTracker(policy()), crashes(2));
    expect(first).toEqual({
      action: 'restart',
      delayMs: 0,
      reason: 'exited with code 1; restarting in 0 ms',
    });
    expect(second).toEqual({
      action: 'restart',
      delayMs: 100,
      reason: 'exited with code 1; restarting in 100 ms',
    });
  });
});

describe('RestartTracker maxAttempts', () => {
  it('on-failure:3 restarts three times, then gives up', () => {
    const tracker = new RestartTracker(policy({ condition: 'on-failure', maxAttempts: 3 }));
    const decisions = drive(tracker, crashes(10));
    expect(decisions.map((d) => d.reason)).toEqual([
      'exited with code 1; restarting in 0 ms (attempt 1 of 3)',
      'exited with code 1; restarting in 100 ms (attempt 2 of 3)',
      'exited with code 1; restarting in 200 ms (attempt 3 of 3)',
      'exited with code 1; gave up after 3 restarts (on-failure:3)',
    ]);
    expect(decisions.map((d) => d.action)).toEqual(['restart', 'restart', 'restart', 'give-up']);
    expect(delays(decisions)).toEqual([0, 100, 200]);
    expect(tracker.restarts).toBe(3);
    expect(tracker.attempts).toBe(3);
  });

  it('names the policy as written for other conditions, and says "restart" for one', () => {
    const any = drive(new RestartTracker(policy({ condition: 'any', maxAttempts: 1 })), crashes(5));
    expect(any.at(-1)).toEqual({
      action: 'give-up',
      reason: 'exited with code 1; gave up after 1 restart (any, max_attempts 1)',
    });
  });

  it('counting resets with the backoff reset (a 10 s run ends the streak)', () => {
    const tracker = new RestartTracker(policy({ condition: 'on-failure', maxAttempts: 3 }));
    const runs = [...crashes(2), { ranMs: 10_000 }, ...crashes(5)];
    const decisions = drive(tracker, runs);
    expect(delays(decisions)).toEqual([0, 100, 0, 100, 200]);
    expect(decisions.at(-1)?.action).toBe('give-up');
    expect(tracker.restarts).toBe(5);
  });

  it('with windowMs, a run that outlives the window ends the streak but not the backoff', () => {
    const tracker = new RestartTracker(
      policy({ condition: 'on-failure', maxAttempts: 2, windowMs: 5000 }),
    );
    const decisions = drive(tracker, [{ ranMs: 200 }, { ranMs: 6000 }, ...crashes(5)]);
    expect(delays(decisions)).toEqual([0, 100, 200]);
    expect(decisions.at(-1)).toEqual({
      action: 'give-up',
      reason: 'exited with code 1; gave up after 2 restarts (on-failure:2, window 5000 ms)',
    });
  });

  it('with a window longer than resetAfterMs, the window alone decides the count', () => {
    const tracker = new RestartTracker(
      policy({ condition: 'on-failure', maxAttempts: 2, windowMs: 60_000 }),
    );
    // The 30 s run resets the backoff (delay 0 again) but exited within the window: it counts.
    const decisions = drive(tracker, [{ ranMs: 200 }, { ranMs: 30_000 }, ...crashes(3)]);
    expect(delays(decisions)).toEqual([0, 0]);
    expect(decisions.at(-1)?.action).toBe('give-up');
  });

  it('maxAttempts 0 never gives up', () => {
    const decisions = drive(new RestartTracker(policy({ condition: 'on-failure' })), crashes(200));
    expect(decisions.every((d) => d.action === 'restart')).toBe(true);
    expect(decisions).toHaveLength(200);
  });
});

describe('RestartTracker conditions', () => {
  it.each<[RestartPolicySpec['condition'], ExitReason, number, RestartDecision['action'], string]>([
    ['none', 'exit', 1, 'give-up', 'exited with code 1; not restarted (restart policy "none")'],
    ['none', 'exit', 0, 'give-up', 'exited with code 0; not restarted (restart policy "none")'],
    ['none', 'unhealthy', 137, 'give-up', 'killed: unhealthy (code 137); not restarted (restart policy "none")'],
    ['none', 'oom', 137, 'give-up', 'killed: out of memory (code 137); not restarted (restart policy "none")'],
    ['on-failure', 'exit', 0, 'give-up', 'exited with code 0; not restarted (on-failure restarts only failures)'],
    ['on-failure', 'exit', 1, 'restart', 'exited with code 1; restarting in 0 ms'],
    ['on-failure', 'exit', 143, 'restart', 'exited with code 143; restarting in 0 ms'],
    ['on-failure', 'unhealthy', 0, 'restart', 'killed: unhealthy (code 0); restarting in 0 ms'],
    ['on-failure', 'oom', 0, 'restart', 'killed: out of memory (code 0); restarting in 0 ms'],
    ['any', 'exit', 0, 'restart', 'exited with code 0; restarting in 0 ms'],
    ['any', 'exit', 2, 'restart', 'exited with code 2; restarting in 0 ms'],
    ['any', 'unhealthy', 137, 'restart', 'killed: unhealthy (code 137); restarting in 0 ms'],
    ['unless-stopped', 'exit', 0, 'restart', 'exited with code 0; restarting in 0 ms'],
    ['unless-stopped', 'oom', 137, 'restart', 'killed: out of memory (code 137); restarting in 0 ms'],
  ])('%s after %s (code %i): %s', (condition, reason, exitCode, action, text) => {
    const tracker = new RestartTracker(policy({ condition }));
    const [decision] = drive(tracker, [{ ranMs: 200, exitCode, reason }]);
    expect(decision?.action).toBe(action);
    expect(decision?.reason).toBe(text);
  });

  it.each<RestartPolicySpec['condition']>(['none', 'on-failure', 'any', 'unless-stopped'])(
    '%s: a user stop is final, and a later start begins a fresh streak',
    (condition) => {
      const tracker = new RestartTracker(policy({ condition }));
      tracker.started(0);
      tracker.stoppedByUser();
      expect(tracker.exited({ exitCode: 143, now: 5000, reason: 'exit' })).toEqual({
        action: 'give-up',
        reason: 'exited with code 143; stopped by user',
      });
      tracker.started(9000); // the user starts it again
      const next = tracker.exited({ exitCode: 1, now: 9100, reason: 'exit' });
      expect(next.action).toBe(condition === 'none' ? 'give-up' : 'restart');
      expect(tracker.restarts).toBe(0);
    },
  );

  it('a user stop during the restart delay cancels the restart and it is not counted', () => {
    const tracker = new RestartTracker(policy());
    drive(tracker, crashes(3)); // 2 restarts started, a third decided
    expect(tracker.restarts).toBe(2);
    tracker.stoppedByUser();
    tracker.started(50_000_000); // a user start, not the cancelled restart
    expect(tracker.restarts).toBe(2);
    expect(tracker.attempts).toBe(0);
    expect(tracker.exited({ exitCode: 1, now: 50_000_100, reason: 'exit' })).toMatchObject({
      action: 'restart',
      delayMs: 0,
    });
  });
});

describe('RestartTracker misuse and clocks', () => {
  it('rejects an exit without a start and a double start', () => {
    const tracker = new RestartTracker(policy());
    expect(() => tracker.exited({ exitCode: 1, now: 0, reason: 'exit' })).toThrow('not running');
    tracker.started(0);
    expect(() => tracker.started(1)).toThrow('already running');
  });

  it('a clock stepping backwards reads as a zero-length run (no reset)', () => {
    const tracker = new RestartTracker(policy());
    drive(tracker, crashes(2));
    tracker.started(10_000_000);
    expect(tracker.exited({ exitCode: 1, now: 0, reason: 'exit' })).toMatchObject({ delayMs: 200 });
  });
});

describe('RestartTracker properties', () => {
  const backoffArb = fc.record({
    initialMs: fc.integer({ min: 0, max: 5000 }),
    maxMs: fc.integer({ min: 0, max: 120_000 }),
    multiplier: fc.double({ min: 1, max: 5, noNaN: true }),
    resetAfterMs: fc.integer({ min: 1, max: 30_000 }),
  });
  const runsArb = fc.array(
    fc.record({
      ranMs: fc.integer({ min: 0, max: 40_000 }),
      exitCode: fc.integer({ min: 0, max: 255 }),
      reason: fc.constantFrom<ExitReason>('exit', 'unhealthy', 'oom'),
    }),
    { maxLength: 60 },
  );

  it('backoff delays are never negative and never exceed maxMs', () => {
    fc.assert(
      fc.property(backoffArb, runsArb, (backoff, runs) => {
        for (const delay of delays(drive(new RestartTracker(policy(), backoff), runs))) {
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(backoff.maxMs);
        }
      }),
    );
  });

  it('delays never decrease while failures are consecutive and short', () => {
    fc.assert(
      fc.property(backoffArb, runsArb, (backoff, runs) => {
        const decisions = drive(new RestartTracker(policy(), backoff), runs);
        for (let i = 1; i < decisions.length; i++) {
          const [before, after, run] = [decisions[i - 1], decisions[i], runs[i]];
          if (before?.action !== 'restart' || after?.action !== 'restart') continue;
          if (run === undefined) continue;
          if (run.ranMs < backoff.resetAfterMs) {
            expect(after.delayMs).toBeGreaterThanOrEqual(before.delayMs);
          } else {
            expect(after.delayMs).toBe(0);
          }
        }
      }),
    );
  });

  it('short crash loops give up after exactly maxAttempts restarts', () => {
    const maxArb = fc.integer({ min: 1, max: 20 });
    const shortRunArb = fc.integer({ min: 0, max: 9_999 }); // below resetAfterMs
    fc.assert(
      fc.property(maxArb, shortRunArb, (max, ranMs) => {
        const tracker = new RestartTracker(policy({ condition: 'on-failure', maxAttempts: max }));
        const decisions = drive(tracker, crashes(max + 5, ranMs));
        expect(decisions).toHaveLength(max + 1);
        expect(decisions.at(-1)?.action).toBe('give-up');
        expect(tracker.restarts).toBe(max);
      }),
    );
  });

  it('total restarts equal the restart decisions carried out', () => {
    fc.assert(
      fc.property(runsArb, (runs) => {
        const tracker = new RestartTracker(policy({ condition: 'on-failure', maxAttempts: 4 }));
        const decisions = drive(tracker, runs);
        const carriedOut = decisions.slice(0, -1).filter((d) => d.action === 'restart').length;
        expect(tracker.restarts).toBe(carriedOut);
      }),
    );
  });
});
