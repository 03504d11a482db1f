/**
 * kcp's `Base62Sha224` (its apimachinery `util/crypto` hasher): the SHA-224 digest read as a
 * big-endian unsigned integer, written in base 62 as Go's `big.Int.Text(62)` writes it — digits,
 * then lower case, then upper case, no padding. kcp derives names and label values from it (the
 * default APIBindings' names, the export label, the claim labels), so they must match bit for bit.
 */
import { createHash } from 'node:crypto';

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export function base62Sha224(text: string): string {
  let n = BigInt(`0x${createHash('sha224').update(text).digest('hex')}`);
  if (n === 0n) return '0';
  let out = '';
  while (n > 0n) {
    out = DIGITS[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}
