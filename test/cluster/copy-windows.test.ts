// Pure bookkeeping of double-copy windows over reality samples.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CopyWindows, groupBySlot, slotKey } from '../support/copy-windows.mjs';

const copy = (slot: number, host: number, service = 'web'): { stack: string; service: string; slot: number; host: number } => ({
  stack: 's',
  service,
  slot,
  host,
});

describe('CopyWindows', () => {
  it('keys and groups copies by stack/service/slot', () => {
    expect(slotKey(copy(2, 1))).toBe('s/web/2');
    const grouped = groupBySlot([copy(1, 1), copy(2, 2), copy(1, 3), copy(1, 1, 'db')]);
    expect([...grouped.keys()]).toEqual(['s/web/1', 's/web/2', 's/db/1']);
    expect(grouped.get('s/web/1')?.map((c) => c.host)).toEqual([1, 3]);
  });

  it('sees no window when every slot has at most one copy', () => {
    const w = new CopyWindows();
    w.add(0, [copy(1, 1), copy(2, 2)]);
    w.add(100, [copy(1, 3)]);
    w.add(200, []);
    expect(w.windows).toEqual([]);
    expect(w.longestMs()).toBe(0);
    expect(w.maxCopies.get('s/web/1')).toBe(1);
    expect(w.describe()).toEqual(['no slot ever had two live copies (3 samples)']);
  });

  it('opens a window at the first sample with two copies and closes it at the first with fewer', () => {
    const w = new CopyWindows();
    w.add(1_000, [copy(1, 1)]);
    w.add(1_100, [copy(1, 1), copy(1, 2)]);
    w.add(1_200, [copy(1, 1), copy(1, 2), copy(1, 3)]);
    expect(w.open.map((x) => x.key)).toEqual(['s/web/1']);
    w.add(1_300, [copy(1, 2)]);
    expect(w.open).toEqual([]);
    expect(w.windows).toEqual([{ key: 's/web/1', from: 1_100, lastSeen: 1_200, to: 1_300, maxCopies: 3, hosts: [1, 2, 3] }]);
    expect(w.longestMs()).toBe(200);
    expect(w.describe(1_000)).toEqual(['s/web/1: 3 copies on hosts 1,2,3 from +100 ms until +300 ms (200 ms)']);
  });

  it('counts an open window up to the last sample and says it is open', () => {
    const w = new CopyWindows();
    w.add(0, [copy(1, 1), copy(1, 2)]);
    w.add(500, [copy(1, 1), copy(1, 2)]);
    expect(w.longestMs()).toBe(500);
    expect(w.describe()).toEqual(['s/web/1: 2 copies on hosts 1,2 from +0 ms still open at +500 ms']);
  });

  it('refuses samples out of time order', () => {
    const w = new CopyWindows();
    w.add(10, []);
    expect(() => w.add(5, [])).toThrow(/time order/);
  });

  it('property: a slot is in an open window exactly when the last sample saw it twice or more', () => {
    const sample = fc.array(fc.record({ slot: fc.integer({ min: 1, max: 3 }), host: fc.integer({ min: 1, max: 3 }) }), { maxLength: 6 });
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 20 }), (samples) => {
        const w = new CopyWindows();
        samples.forEach((s, i) => w.add(i * 100, s.map((c) => copy(c.slot, c.host))));
        const last = groupBySlot((samples.at(-1) ?? []).map((c) => copy(c.slot, c.host)));
        const doubled = [...last].filter(([, l]) => l.length >= 2).map(([k]) => k).sort();
        expect(w.open.map((x) => x.key).sort()).toEqual(doubled);
        for (const x of w.windows) expect(x.to === undefined || x.to > x.lastSeen).toBe(true);
      }),
    );
  });
});
