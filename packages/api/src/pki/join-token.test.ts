import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatJoinToken, newTokenSecret, parseJoinToken, secretsEqual, type JoinToken } from './join-token.js';

const FINGERPRINT = 'ab'.repeat(32);
const SECRET = '0123456789abcdef0123456789abcdef';

describe('join tokens', () => {
  it('formats as BERTH-1-<fingerprint>-<secret>', () => {
    expect(formatJoinToken({ caFingerprint: FINGERPRINT, secret: SECRET })).toBe(`BERTH-1-${FINGERPRINT}-${SECRET}`);
  });

  it('parses what it formats', () => {
    const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
    fc.assert(
      fc.property(hex(64), hex(32), (caFingerprint, secret) => {
        const token: JoinToken = { caFingerprint, secret };
        expect(parseJoinToken(formatJoinToken(token))).toEqual(token);
      }),
    );
  });

  it('accepts surrounding whitespace and upper-case hex', () => {
    const text = `  BERTH-1-${FINGERPRINT.toUpperCase()}-${SECRET.toUpperCase()}\n`;
    expect(parseJoinToken(text)).toEqual({ caFingerprint: FINGERPRINT, secret: SECRET });
  });

  it.each([
    { case: 'empty', text: '', reason: 'it should start with BERTH-1-' },
    { case: 'another kind of token', text: `SWMTKN-1-${FINGERPRINT}-${SECRET}`, reason: 'it should start with BERTH-1-' },
    { case: 'a newer version', text: `BERTH-2-${FINGERPRINT}-${SECRET}`, reason: 'version 2 is not supported by this berth' },
    { case: 'the version left out', text: `BERTH-${FINGERPRINT}-${SECRET}`, reason: 'it should start with BERTH-1-' },
    { case: 'a short fingerprint', text: `BERTH-1-abcd-${SECRET}`, reason: 'the CA fingerprint must be 64 hex digits (found 4 hex digits)' },
    { case: 'a short secret', text: `BERTH-1-${FINGERPRINT}-${SECRET.slice(0, 31)}`, reason: 'the secret must be 32 hex digits (found 31 hex digits)' },
    {
      case: 'a secret that is not hex',
      text: `BERTH-1-${FINGERPRINT}-${SECRET.slice(0, 31)}z`,
      reason: 'the secret must be 32 hex digits (found 32 characters, not all hex digits)',
    },
    { case: 'an extra part', text: `BERTH-1-${FINGERPRINT}-${SECRET}-x`, reason: 'expected 3 parts' },
    { case: 'the secret missing', text: `BERTH-1-${FINGERPRINT}`, reason: 'expected 3 parts' },
  ])('refuses $case with UNAUTHENTICATED, saying why and not echoing the secret', ({ text, reason }) => {
    let error: unknown;
    try {
      parseJoinToken(text);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
    const message = (error as Error).message;
    expect(message).toMatch(/^not a berth join token: /);
    expect(message).toContain(reason);
    expect(message.toLowerCase()).not.toContain(SECRET.slice(0, 8));
  });

  it('refuses to format a malformed token', () => {
    expect(() => formatJoinToken({ caFingerprint: 'abc', secret: SECRET })).toThrow(/fingerprint/);
    expect(() => formatJoinToken({ caFingerprint: FINGERPRINT, secret: 'XYZ' })).toThrow(/secret/);
  });

  it('makes fresh 32-hex secrets and compares secrets exactly', () => {
    const a = newTokenSecret();
    const b = newTokenSecret();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(a).not.toBe(b);
    expect(secretsEqual(a, a)).toBe(true);
    expect(secretsEqual(a, b)).toBe(false);
    expect(secretsEqual(a, a.slice(0, 31))).toBe(false);
    expect(secretsEqual('', '')).toBe(true);
  });
});
