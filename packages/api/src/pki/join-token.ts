/**
 * Worker join tokens: `BERTH-1-<CA fingerprint, 64 hex>-<secret, 32 hex>`. The fingerprint lets
 * a joining agent pin the cluster CA before it sends anything; the secret is what admits it.
 * Error messages never echo the secret.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { BerthError } from '../errors.js';

/** The two halves of a join token. */
export interface JoinToken {
  /** SHA-256 of the cluster CA certificate's DER, lowercase hex. */
  caFingerprint: string;
  /** 32 lowercase hex digits. */
  secret: string;
}

const PREFIX = 'BERTH-';
const VERSION = '1';
const FINGERPRINT = /^[0-9a-f]{64}$/;
const SECRET = /^[0-9a-f]{32}$/;

/** The text form of a join token. */
export function formatJoinToken(token: JoinToken): string {
  if (!FINGERPRINT.test(token.caFingerprint)) {
    throw new BerthError('INTERNAL', 'join token CA fingerprint must be 64 lowercase hex digits');
  }
  if (!SECRET.test(token.secret)) throw new BerthError('INTERNAL', 'join token secret must be 32 lowercase hex digits');
  return `${PREFIX}${VERSION}-${token.caFingerprint}-${token.secret}`;
}

/** Parses a join token (surrounding whitespace and upper-case hex allowed); BerthError UNAUTHENTICATED saying what is wrong. */
export function parseJoinToken(text: string): JoinToken {
  const trimmed = text.trim();
  if (!trimmed.toUpperCase().startsWith(PREFIX)) {
    throw invalid(`it should start with ${PREFIX}${VERSION}- (as \`berth token\` prints it)`);
  }
  const parts = trimmed.slice(PREFIX.length).split('-');
  const [version, fingerprint, secret] = parts;
  if (version !== VERSION) {
    // Only a short number is echoed: a malformed token's second part may be its secret.
    throw invalid(
      version !== undefined && /^\d{1,3}$/.test(version)
        ? `version ${version} is not supported by this berth (it reads ${PREFIX}${VERSION}- tokens)`
        : `it should start with ${PREFIX}${VERSION}-`,
    );
  }
  if (parts.length !== 3 || fingerprint === undefined || secret === undefined) {
    throw invalid(`expected 3 parts after ${PREFIX}, separated by '-', found ${parts.length}`);
  }
  const caFingerprint = fingerprint.toLowerCase();
  if (!FINGERPRINT.test(caFingerprint)) {
    throw invalid(`the CA fingerprint must be 64 hex digits (found ${describe(fingerprint)})`);
  }
  const lowerSecret = secret.toLowerCase();
  if (!SECRET.test(lowerSecret)) throw invalid(`the secret must be 32 hex digits (found ${describe(secret)})`);
  return { caFingerprint, secret: lowerSecret };
}

/** A new random token secret: 16 bytes, 32 lowercase hex digits. */
export function newTokenSecret(): string {
  return randomBytes(16).toString('hex');
}

/** Compares two secrets in time independent of where they differ (their lengths are public). */
export function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function invalid(reason: string): BerthError {
  return new BerthError('UNAUTHENTICATED', `not a berth join token: ${reason}`);
}

/** A description of a token part that does not reveal it. */
function describe(part: string): string {
  const hex = /^[0-9a-fA-F]*$/.test(part);
  return `${part.length} ${hex ? 'hex digits' : 'characters, not all hex digits'}`;
}
