/** HMAC-MD5 (RFC 2104) over several byte ranges, as used by keepalived's IPsec-AH VRRP authentication. Pure computation. */
import { createHmac } from 'node:crypto';

export function hmacMd5(key: Uint8Array, parts: Uint8Array[]): Uint8Array {
  const h = createHmac('md5', key);
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}
