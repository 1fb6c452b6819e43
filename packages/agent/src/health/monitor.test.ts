import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HEALTH_STATES, type HealthcheckSpec } from '@berth/api';
import { HealthMonitor, type HealthTransition } from './monitor.js';
import type { ProbeOutcome } from './probe-log.js';

const T = 1_000_000; // the run's start
const spec = (over: Partial<HealthcheckSpec> = {}): HealthcheckSpec => ({
  disabled: false,
  test: ['CMD', 'true'],
  intervalMs: 10_000,
  timeoutMs: 2_000,
  retries: 3,
  startPeriodMs: 30_000,
  startIntervalMs: 5_000,
  ...over,
});

const pass: ProbeOutcome = { ok: true, timedOut: false, output: 'ok', exitCode: 0 };
const fail: ProbeOutcome = {
  ok: false,
  timedOut: false,
  output: 'connection refused\n',
  exitCode: 1,
};

/** A probe run when due, taking `tookMs`; returns when it finished and what changed. */
function probeWhenDue(
  monitor: HealthMonitor,
  outcome: ProbeOutcome,
  tookMs = 0,
): { at: number; transition: HealthTransition | undefined } {
  const due = monitor.nextProbeAt();
  if (due === undefined) throw new Error('no probe due');
  const at = due + tookMs;
  return { at, transition: monitor.probeResult(at, { ...outcome, startedAt: due }) };
}

describe('HealthMonitor without a check', () => {
  it.each<[string, HealthcheckSpec | undefined]>([
    ['no healthcheck', undefined],
    ['a disabled healthcheck', spec({ disabled: true })],
  ])('%s: state none, no probes, results ignored', (_name, given) => {
    const monitor = new HealthMonitor(given, T);
    expect(monitor.state).toBe('none');
    expect(monitor.nextProbeAt()).toBeUndefined();
    expect(monitor.probeResult(T + 1, fail)).toBeUndefined();
    expect(monitor.state).toBe('none');
    expect(monitor.recentProbes).toEqual([]);
    expect(monitor.message).toBe('');
    expect(monitor.timings).toBeUndefined();
  });
});

describe('HealthMonitor schedule', () => {
  it('starts in starting; the first probe is one start interval in', () => {
    const monitor = new HealthMonitor(spec(), T);
    expect(monitor.state).toBe('starting');
    expect(monitor.nextProbeAt()).toBe(T + 5_000);
  });

  it('without a start period the first probe is one interval in', () => {
    expect(new HealthMonitor(spec({ startPeriodMs: 0 }), T).nextProbeAt()).toBe(T + 10_000);
  });

  it('probes every start interval during the start period, every interval after it', () => {
    const monitor = new HealthMonitor(spec({ retries: 100 }), T);
    const times = Array.from({ length: 9 }, () => probeWhenDue(monitor, fail).at - T);
    expect(times).toEqual([5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000, 60_000]);
  });

  it('measures the pause from the end of the previous probe', () => {
    const monitor = new HealthMonitor(spec(), T);
    expect(probeWhenDue(monitor, fail, 1_500).at).toBe(T + 6_500);
    expect(monitor.nextProbeAt()).toBe(T + 11_500);
  });

  it('once healthy, probes every interval even inside the start period', () => {
    const monitor = new HealthMonitor(spec(), T);
    probeWhenDue(monitor, pass);
    expect(monitor.nextProbeAt()).toBe(T + 15_000);
  });

  it('applies Docker defaults to zero timings', () => {
    const monitor = new HealthMonitor(
      spec({ intervalMs: 0, timeoutMs: 0, retries: 0, startPeriodMs: 0, startIntervalMs: 0 }),
      T,
    );
    expect(monitor.timings).toEqual({
      intervalMs: 30_000,
      timeoutMs: 30_000,
      retries: 3,
      startPeriodMs: 0,
      startIntervalMs: 5_000,
    });
    expect(monitor.nextProbeAt()).toBe(T + 30_000);
  });
});

describe('HealthMonitor rules', () => {
  it('a success during the start period makes the task healthy', () => {
    const monitor = new HealthMonitor(spec(), T);
    expect(probeWhenDue(monitor, pass).transition).toEqual({
      from: 'starting',
      to: 'healthy',
      at: T + 5_000,
      message: '',
    });
    expect(monitor.state).toBe('healthy');
  });

  it('failures during the start period do not count towards retries', () => {
    const monitor = new HealthMonitor(spec(), T);
    for (let i = 0; i < 5; i++) expect(probeWhenDue(monitor, fail).transition).toBeUndefined();
    expect(monitor.state).toBe('starting');
    expect(monitor.failingStreak).toBe(0);
    expect(monitor.message).toBe('health check failing (start period): exit 1: connection refused');
  });

  it('a probe that began inside the start period does not count even if it ends after it', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 6_000 }), T);
    monitor.probeResult(T + 7_000, { ...fail, startedAt: T + 5_000 });
    expect(monitor.failingStreak).toBe(0);
    monitor.probeResult(T + 7_000, fail); // startedAt defaults to the report time: past the period
    expect(monitor.failingStreak).toBe(1);
  });

  it('after the start period, retries consecutive failures make it unhealthy', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 0 }), T);
    expect(probeWhenDue(monitor, fail).transition).toBeUndefined();
    expect(monitor.message).toBe('health check failing (1 of 3): exit 1: connection refused');
    expect(probeWhenDue(monitor, fail).transition).toBeUndefined();
    expect(probeWhenDue(monitor, fail).transition).toEqual({
      from: 'starting',
      to: 'unhealthy',
      at: T + 30_000,
      message: 'health check failed 3 times: exit 1: connection refused',
    });
    expect(monitor.failingStreak).toBe(3);
  });

  it('a success in between restarts the count', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 0 }), T);
    const outcomes = [fail, fail, pass, fail, fail];
    const transitions = outcomes.map((o) => probeWhenDue(monitor, o).transition?.to);
    expect(transitions).toEqual([undefined, undefined, 'healthy', undefined, undefined]);
    expect(monitor.state).toBe('healthy');
    expect(monitor.failingStreak).toBe(2);
    expect(probeWhenDue(monitor, fail).transition?.to).toBe('unhealthy');
  });

  it('once healthy, failures count even inside the start period (Compose spec)', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 600_000 }), T);
    probeWhenDue(monitor, pass);
    probeWhenDue(monitor, fail);
    probeWhenDue(monitor, fail);
    expect(probeWhenDue(monitor, fail)).toEqual({
      at: T + 35_000,
      transition: {
        from: 'healthy',
        to: 'unhealthy',
        at: T + 35_000,
        message: 'health check failed 3 times: exit 1: connection refused',
      },
    });
  });

  it('stays unhealthy while failing, and a success makes it healthy again', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 0, retries: 1 }), T);
    expect(probeWhenDue(monitor, fail).transition?.to).toBe('unhealthy');
    expect(probeWhenDue(monitor, fail).transition).toBeUndefined();
    expect(monitor.message).toBe('health check failed 2 times: exit 1: connection refused');
    expect(probeWhenDue(monitor, pass).transition).toEqual({
      from: 'unhealthy',
      to: 'healthy',
      at: T + 30_000,
      message: '',
    });
    expect(monitor.failingStreak).toBe(0);
  });

  it('never healthy within start_period + retries × interval ends up unhealthy', () => {
    const monitor = new HealthMonitor(spec(), T); // 30 s + 3 × 10 s
    const seen: Array<[number, string]> = [];
    while (monitor.state !== 'unhealthy') {
      const { at, transition } = probeWhenDue(monitor, fail);
      if (transition) seen.push([at - T, transition.to]);
    }
    // 5 uncounted probes (5 s … 25 s), then counted ones at 30 s, 40 s, 50 s.
    expect(seen).toEqual([[50_000, 'unhealthy']]);
    expect(seen[0]?.[0]).toBeLessThanOrEqual(30_000 + 3 * 10_000);
  });

  it('a timeout is a failure, even when ok is set', () => {
    const monitor = new HealthMonitor(spec({ startPeriodMs: 0, retries: 1 }), T);
    const timedOut = { ok: true, timedOut: true, output: '' };
    expect(probeWhenDue(monitor, timedOut).transition).toMatchObject({
      to: 'unhealthy',
      message: 'health check failed 1 time: timed out after 2000 ms',
    });
  });

  it('keeps the last five probes, output trimmed', () => {
    const monitor = new HealthMonitor(spec({ retries: 100 }), T);
    for (let i = 1; i <= 7; i++) {
      const output = ` try ${i}\n`;
      monitor.probeResult(T + i, { ok: false, timedOut: false, output, exitCode: i });
    }
    expect(monitor.recentProbes.map((p) => [p.at - T, p.exitCode, p.output])).toEqual([
      [3, 3, 'try 3'],
      [4, 4, 'try 4'],
      [5, 5, 'try 5'],
      [6, 6, 'try 6'],
      [7, 7, 'try 7'],
    ]);
  });
});

describe('HealthMonitor properties', () => {
  const specArb: fc.Arbitrary<HealthcheckSpec> = fc.record({
    disabled: fc.constant(false),
    test: fc.constant(['CMD', 'true']),
    intervalMs: fc.integer({ min: 1, max: 60_000 }),
    timeoutMs: fc.integer({ min: 1, max: 60_000 }),
    retries: fc.integer({ min: 1, max: 6 }),
    startPeriodMs: fc.integer({ min: 0, max: 120_000 }),
    startIntervalMs: fc.integer({ min: 1, max: 60_000 }),
  });
  const probesArb = fc.array(
    fc.record({
      lateMs: fc.integer({ min: 0, max: 20_000 }),
      tookMs: fc.integer({ min: 0, max: 20_000 }),
      ok: fc.boolean(),
      timedOut: fc.boolean(),
    }),
    { maxLength: 40 },
  );

  it('state stays in the union; unhealthy only after retries counted failures in a row', () => {
    fc.assert(
      fc.property(specArb, probesArb, (s, probes) => {
        const monitor = new HealthMonitor(s, T);
        // An independent record of each result: failed, and whether it could count.
        const history: Array<{ failed: boolean; countable: boolean }> = [];
        for (const p of probes) {
          const start = (monitor.nextProbeAt() ?? T) + p.lateMs;
          const end = start + p.tookMs;
          const before = monitor.state;
          const everPassed = history.some((h) => !h.failed);
          const t = monitor.probeResult(end, { ...p, output: 'x', startedAt: start });
          const failed = !p.ok || p.timedOut;
          history.push({ failed, countable: everPassed || start >= T + s.startPeriodMs });

          expect(HEALTH_STATES).toContain(monitor.state);
          expect(t === undefined).toBe(monitor.state === before);
          if (t) expect(t).toMatchObject({ from: before, to: monitor.state, at: end });
          if (!failed) expect(monitor.state).toBe('healthy');
          if (monitor.state === 'unhealthy') expect(failed).toBe(true);
          if (t?.to === 'unhealthy') {
            const lastRetries = history.slice(-s.retries);
            expect(lastRetries).toHaveLength(s.retries);
            expect(lastRetries.every((h) => h.failed && h.countable)).toBe(true);
          }
          expect(monitor.nextProbeAt()).toBeGreaterThan(end);
        }
      }),
    );
  });

  it('a check that always fails is unhealthy by start period + retries × interval', () => {
    fc.assert(
      // Start intervals of 1 s and more keep a run to a few hundred probes.
      fc.property(specArb, fc.integer({ min: 1_000, max: 60_000 }), (base, startIntervalMs) => {
        const s = { ...base, startIntervalMs };
        fc.pre(s.startIntervalMs <= s.intervalMs);
        const monitor = new HealthMonitor(s, T);
        let at = T;
        while (monitor.state !== 'unhealthy') at = probeWhenDue(monitor, fail).at;
        expect(at).toBeLessThanOrEqual(T + s.startPeriodMs + s.retries * s.intervalMs);
      }),
    );
  });
});
