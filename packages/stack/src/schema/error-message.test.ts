import { describe, expect, it } from 'vitest';
import { describeValue, expectedText, joinOr } from './error-message.js';
import { bool, command, int, listOfStrings, oneOf, str } from './schema-shapes.js';

describe('describeValue', () => {
  it.each([
    [12, 'number 12'],
    [0.5, 'number 0.5'],
    ['abc', 'string "abc"'],
    ['say "hi"', 'string "say \\"hi\\""'],
    [true, 'boolean true'],
    [null, 'null'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    ['x'.repeat(50), `string "${'x'.repeat(40)}..."`],
  ])('%j is %s', (value, text) => {
    expect(describeValue(value)).toBe(text);
  });
});

describe('expectedText', () => {
  it.each([
    ['a string', str()],
    ['an integer', int()],
    ['a boolean', bool()],
    ['one of: a, b', oneOf(['a', 'b'])],
    ['a list of strings', listOfStrings()],
    ['a string or a list of strings', command()],
    ['a string, a list or null', { type: ['string', 'array', 'null'] }],
    ['a mapping or a string', { anyOf: [{ type: 'object' }, { type: 'string' }] }],
    ['a port', { type: 'integer', expected: 'a port' }],
    ['a valid value', {}],
  ])('is %j', (text, node) => {
    expect(expectedText(node)).toBe(text);
  });

  it('joins alternatives as prose', () => {
    expect(joinOr([])).toBe('nothing');
    expect(joinOr(['a'])).toBe('a');
    expect(joinOr(['a', 'b', 'c'])).toBe('a, b or c');
  });
});
