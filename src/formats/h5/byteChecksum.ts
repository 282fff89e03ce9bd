// A fast, order-sensitive fingerprint of a byte range. The writer keeps one per dataset and compares it
// after re-opening the file, so a silent h5wasm failure (nothing written, stale heap memory) is caught.
// Not cryptographic: it guards against broken writes, not against an adversary. WebCrypto is not used
// because `crypto.subtle` is missing on plain-http pages, where the app may still run.

function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/** 64-bit fingerprint (two independent 32-bit lanes) as 16 hex digits. */
export function checksumBytes(bytes: Uint8Array): string {
  const wordCount = bytes.byteLength >>> 2;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, wordCount);
  let a = 0x811c9dc5 ^ bytes.byteLength;
  let b = 0x9e3779b9 ^ Math.floor(bytes.byteLength / 0x100000000);
  for (let i = 0; i < wordCount; i++) {
    const w = words[i];
    a = Math.imul(a ^ w, 0x01000193);
    b = Math.imul(b + w + (b >>> 15), 0x2c1b3c6d) ^ i;
  }
  for (let i = wordCount * 4; i < bytes.byteLength; i++) {
    a = Math.imul(a ^ bytes[i], 0x01000193);
    b = Math.imul(b + bytes[i] + (b >>> 15), 0x2c1b3c6d);
  }
  return hex32(a) + hex32(b);
}
