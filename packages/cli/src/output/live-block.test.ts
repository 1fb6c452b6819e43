import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChangePrinter } from './change-printer.js';
import { LiveBlock, redrawSequence } from './live-block.js';

const ESC = '\u001b[';

function capture(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  return { out, text: () => chunks.join('') };
}

describe('redrawSequence', () => {
  it.each([
    ['first draw', 0, ['a', 'b'], `${ESC}2Ka\n${ESC}2Kb\n`],
    ['same size', 2, ['c', 'd'], `${ESC}2F${ESC}2Kc\n${ESC}2Kd\n`],
    ['grows', 1, ['c', 'd'], `${ESC}1F${ESC}2Kc\n${ESC}2Kd\n`],
    ['shrinks: erases below', 3, ['c'], `${ESC}3F${ESC}2Kc\n${ESC}J`],
    ['to nothing', 2, [], `${ESC}2F${ESC}J`],
  ])('%s', (_name, previous, lines, bytes) => {
    expect(redrawSequence(previous, lines)).toBe(bytes);
  });
});

describe('LiveBlock', () => {
  it('redraws over the previous block and skips unchanged draws', async () => {
    const { out, text } = capture();
    const block = new LiveBlock(out);
    block.draw(['x']);
    block.draw(['x']);
    block.draw(['y', 'z']);
    block.release();
    block.draw(['w']);
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe(`${ESC}2Kx\n${ESC}1F${ESC}2Ky\n${ESC}2Kz\n${ESC}2Kw\n`);
  });
});

describe('ChangePrinter', () => {
  it('prints an entry when it appears and when its line changes', async () => {
    const { out, text } = capture();
    const p = new ChangePrinter(out);
    p.print([{ key: 'a', line: 'web-1 starting' }, { key: 'b', line: 'db-1 pending' }]);
    p.print([{ key: 'a', line: 'web-1 starting' }, { key: 'b', line: 'db-1 running' }]);
    p.print([{ key: 'a', line: 'web-1 running' }, { key: 'b', line: 'db-1 running' }]);
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('web-1 starting\ndb-1 pending\ndb-1 running\nweb-1 running\n');
  });
});
