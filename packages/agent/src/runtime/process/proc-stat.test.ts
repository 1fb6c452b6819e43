import { describe, expect, it } from 'vitest';
import { hasEnded, parseProcStat, readProcStatSync } from './proc-stat.js';

// A real line from a 6.x kernel; field 22 (start time) is 134446.
const CAT =
  '839 (cat) R 837 837 29407 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 134446 3133440 415 ' +
  '18446744073709551615 94901523017728 94901523037609 140721601101904 0 0 0 0 0 0 0 0 0 17 1 0 0';

describe('parseProcStat', () => {
  it.each([
    ['a plain name', CAT, { pid: 839, comm: 'cat', state: 'R', ppid: 837, pgrp: 837, startTime: 134446 }],
    [
      'a name with spaces and parentheses',
      CAT.replace('(cat)', '(my (odd) app)'),
      { pid: 839, comm: 'my (odd) app', state: 'R', startTime: 134446 },
    ],
    ['a zombie', CAT.replace(') R ', ') Z '), { state: 'Z', startTime: 134446 }],
  ])('reads %s', (_label, text, expected) => {
    expect(parseProcStat(text)).toMatchObject(expected);
  });

  it.each([
    ['empty text', ''],
    ['no parentheses', '839 cat R 837'],
    ['too few fields', '839 (cat) R 837 837'],
    ['a non-numeric pid', 'x (cat) R 837 837 29407 0 -1 4194304 101 0 0 0 0 0 0 0 20 0 1 0 1 2 3'],
    ['a non-numeric start time', CAT.replace(' 134446 ', ' abc ')],
  ])('rejects %s', (_label, text) => {
    expect(parseProcStat(text)).toBeUndefined();
  });
});

describe('hasEnded', () => {
  it.each([
    ['R', false],
    ['S', false],
    ['D', false],
    ['T', false],
    ['Z', true],
    ['X', true],
  ])('state %s → %s', (state, ended) => {
    const stat = parseProcStat(CAT.replace(') R ', `) ${state} `));
    expect(stat && hasEnded(stat)).toBe(ended);
  });
});

describe('readProcStatSync', () => {
  it('reads this process and gives undefined for a pid that cannot exist', () => {
    expect(readProcStatSync(process.pid)).toMatchObject({ pid: process.pid, state: expect.any(String) });
    expect(readProcStatSync(2 ** 30)).toBeUndefined();
  });
});
