/**
 * Local images that Docker tests may use. They are built on this machine by
 * scripts/build-test-image.sh and never pulled: CI has no registry to pull from.
 */

/**
 * Busybox-only image (`/bin/busybox` plus a link per applet, `/tmp`, root and nobody).
 * scripts/build-test-image.sh reads the name from the line below, so this is the only
 * place it is spelled: keep it on one line, in single quotes.
 */
export const TEST_IMAGE = 'berth-test/busybox:latest';

/** A reference no engine can resolve locally or pull, for "image is missing" paths. */
export const MISSING_IMAGE = '127.0.0.1:1/missing:1';
