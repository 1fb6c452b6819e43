/** When to renew a certificate: at a random point between 50% and 80% of its life, so agents do not renew in step. */

/** Earliest point of the renewal window, as a fraction of the certificate's life. */
const RENEW_FROM = 0.5;
/** Latest point of the renewal window. */
const RENEW_UNTIL = 0.8;

/**
 * Milliseconds from `now` (epoch ms) until a random point in [50%, 80%] of the certificate's
 * life; 0 when that point has passed. `random` returns a number in [0, 1).
 * Note: a 90-day certificate gives delays beyond setTimeout's limit (2^31-1 ms, ~24.8 days);
 * a caller must wait in shorter steps.
 */
export function renewalDelayMs(
  cert: { notBefore: Date; notAfter: Date },
  now: number,
  random: () => number = Math.random,
): number {
  const start = cert.notBefore.getTime();
  const life = Math.max(0, cert.notAfter.getTime() - start);
  const fraction = RENEW_FROM + (RENEW_UNTIL - RENEW_FROM) * Math.min(1, Math.max(0, random()));
  return Math.max(0, Math.round(start + life * fraction - now));
}
