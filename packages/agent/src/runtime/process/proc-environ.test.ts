import { describe, expect, it } from 'vitest';
import { parseEnviron, readProcessLaunchContext } from './proc-environ.js';

describe('parseEnviron', () => {
  it.each([
    ['', {}],
    ['A=1\0B=two words\0', { A: '1', B: 'two words' }],
    ['EQ=a=b\0EMPTY=\0', { EQ: 'a=b', EMPTY: '' }],
    ['noequals\0=novalue\0OK=1', { OK: '1' }],
  ])('%j', (text, env) => {
    expect(parseEnviron(Buffer.from(text))).toEqual(env);
  });
});

describe('readProcessLaunchContext', () => {
  it('reads this process, and nothing for a pid that cannot exist', async () => {
    const context = await readProcessLaunchContext(process.pid);
    expect(context?.cwd).toBe(process.cwd());
    expect(context?.env.PATH).toBeDefined();
    expect(await readProcessLaunchContext(2 ** 30)).toBeUndefined();
  });
});
