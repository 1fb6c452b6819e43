import { describe, expect, it } from 'vitest';
import { LogPrefixer } from './log-prefix.js';

describe('LogPrefixer', () => {
  it('pads names to the widest seen so far, never shrinking', () => {
    const p = new LogPrefixer(false);
    expect(p.prefix('web', 'web-1')).toBe('web-1 | ');
    expect(p.prefix('worker', 'worker-1')).toBe('worker-1 | ');
    expect(p.prefix('web', 'web-1')).toBe('web-1    | ');
  });

  it('starts from the given width', () => {
    expect(new LogPrefixer(false, [], 8).prefix('db', 'db-1')).toBe('db-1     | ');
  });

  it('gives each service its own color, in the order given, and none without color', () => {
    const p = new LogPrefixer(true, ['api', 'web']);
    expect(p.prefix('web', 'web-1')).toBe('\u001b[33mweb-1 | \u001b[0m');
    expect(p.prefix('api', 'api-2')).toBe('\u001b[36mapi-2 | \u001b[0m');
    expect(p.prefix('web', 'web-2')).toBe('\u001b[33mweb-2 | \u001b[0m');
    expect(p.prefix('db', 'db-1')).toBe('\u001b[32mdb-1  | \u001b[0m');
  });

  it('cycles the palette when there are more services than colors', () => {
    const services = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const p = new LogPrefixer(true, services);
    expect(p.prefix('s10', 'x')).toBe(p.prefix('s0', 'x'));
    expect(p.prefix('s1', 'x')).not.toBe(p.prefix('s0', 'x'));
  });
});
