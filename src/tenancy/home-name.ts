/** How a user's home workspace is named and addressed (kcp's scheme), apart from how it is made. */
import { createHash } from 'node:crypto';

/** The first segment of a home path: `user:<name>[:child...]`. */
export const HOME_PATH_PREFIX = 'user';

/**
 * kcp's `HomeClusterName`: the first 8 bytes of the user name's SHA-224, in base 36 (lower case),
 * one `0` for each leading zero byte.
 */
export function homeClusterName(user: string): string {
  const bytes = createHash('sha224').update(user).digest().subarray(0, 8);
  let zeros = 0;
  while (zeros < bytes.length && bytes[zeros] === 0) zeros++;
  const n = BigInt(`0x${bytes.toString('hex')}`);
  return '0'.repeat(zeros) + (n === 0n ? '' : n.toString(36));
}

