/**
 * FreeSWITCH's `switch_url_encode` (no double encoding), used for plain and xml event
 * values. Reproduced byte for byte because clients decode it: `%XX` upper-case for bytes
 * below 0x20 or above 0x7E and for the SWITCH_URL_UNSAFE set; a `%` already followed by
 * two upper-case hex digits is copied verbatim (so `50%25` stays `50%25`, a lossy quirk
 * real FreeSWITCH has too).
 */
const UNSAFE = new Set(Array.from('\r\n "#%&+:;<=>?@[\\]^`{|}').map((c) => c.charCodeAt(0)));
const HEX_UPPER = '0123456789ABCDEF';
const SAFE_FAST_PATH = /^[A-Za-z0-9!$'()*,\-./_~]*$/;

function isUpperHex(byte: number | undefined): boolean {
  return byte !== undefined && ((byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46));
}

export function fsUrlEncode(value: string): string {
  if (SAFE_FAST_PATH.test(value)) return value;
  const bytes = Buffer.from(value, 'utf8');
  let out = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0x25 && isUpperHex(bytes[i + 1]) && isUpperHex(bytes[i + 2])) {
      out += '%';
      continue;
    }
    if (b < 0x20 || b > 0x7e || UNSAFE.has(b)) {
      out += '%' + HEX_UPPER[b >> 4] + HEX_UPPER[b & 15];
    } else {
      out += String.fromCharCode(b);
    }
  }
  return out;
}
