import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { FakeClock } from '../../task/fake-clock.js';
import { FakeDriver } from './fake-driver.js';
import { fakeTaskDescriptor } from './fake-task.js';

function setup() {
  const clock = new FakeClock(5_000);
  return { clock, driver: new FakeDriver({ clock }), task: fakeTaskDescriptor('t1') };
}

describe('FakeDriver', () => {
  it('runs attempts by their plans in order, then by the default plan', async () => {
    const { clock, driver, task } = setup();
    driver.plan('t1', { prepareError: 'image missing' }, { exitAfterMs: 30, exitCode: 3 });
    await expect(driver.prepare(task)).rejects.toThrow('image missing');
    await driver.prepare(task);
    const handle = await driver.start(task);
    const exit = driver.wait(handle);
    await clock.advance(30);
    expect(await exit).toEqual({ exitCode: 3, oomKilled: false, finishedAt: 5_030 });
    const again = await driver.start(task, handle);
    expect(again).toMatchObject({ id: handle.id, startedAt: 5_030 }); // restarted in place
    expect(driver.running('t1')).toEqual(again); // the default plan runs until stopped
    expect(driver.calls.map((c) => c.op)).toEqual(['prepare', 'prepare', 'start', 'start']);
  });

  it('fails a start with a BerthError and refuses to start a task that still runs', async () => {
    const { driver, task } = setup();
    driver.plan('t1', { startError: 'port 8080 is already taken' });
    const failed = await driver.start(task).catch((e: unknown) => e);
    expect(isBerthError(failed, 'UNAVAILABLE') && failed.message).toBe('port 8080 is already taken');
    await driver.start(task);
    await expect(driver.start(task)).rejects.toThrow('already running');
  });

  it('stop ends with 128 + the signal, or with SIGKILL after the grace when the signal is ignored', async () => {
    const { clock, driver, task } = setup();
    const h1 = await driver.start(task);
    await driver.stop(h1, { signal: 'SIGINT', graceMs: 1_000 });
    expect(await driver.wait(h1)).toMatchObject({ exitCode: 130, signal: 'SIGINT' });

    driver.plan('t1', { ignoresStopSignal: true });
    const h2 = await driver.start(task, h1);
    let stopped = false;
    const stopping = driver.stop(h2, { signal: 'TERM', graceMs: 1_000 }).then(() => (stopped = true));
    await clock.advance(999);
    expect(stopped).toBe(false);
    await clock.advance(1);
    await stopping;
    expect(await driver.wait(h2)).toMatchObject({ exitCode: 137, signal: 'SIGKILL', finishedAt: 6_000 });
    expect(driver.callsOf('stop').map((c) => [c.signal, c.graceMs])).toEqual([['SIGINT', 1_000], ['TERM', 1_000]]);
  });

  it('removes only exited workloads; recover reports what is left with recorded restart counts', async () => {
    const { driver, task } = setup();
    const handle = await driver.start(task);
    await expect(driver.remove(handle)).rejects.toThrow('still running');
    await driver.recordRestarts(handle, 4);
    const other = fakeTaskDescriptor('t2', undefined, 'node-2');
    await driver.start(other);
    expect(await driver.recover('node-1')).toEqual([{ handle, state: 'running', restarts: 4 }]);
    driver.crash('t1', 9);
    const [found] = await driver.recover('node-1');
    expect(found).toMatchObject({ state: 'exited', exit: { exitCode: 9 } });
    await driver.remove(handle);
    expect(driver.has(handle.id)).toBe(false);
    expect(await driver.recover('node-1')).toEqual([]);
  });

  it('answers execs through the handler, and refuses them once the workload exited', async () => {
    const { driver, task } = setup();
    driver.onExec((_h, test) => ({ exitCode: test.includes('bad') ? 1 : 0, output: test.join(' '), timedOut: false }));
    const handle = await driver.start(task);
    expect(await driver.exec(handle, ['CMD', 'bad'], 100)).toEqual({ exitCode: 1, output: 'CMD bad', timedOut: false });
    driver.crash('t1');
    await expect(driver.exec(handle, ['CMD', 'ok'], 100)).rejects.toThrow('not running');
  });
});
