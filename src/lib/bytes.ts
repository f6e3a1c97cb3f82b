/**
 * Bounds-checked cursor over bytes, for decoders of untrusted input and for encoders.
 *
 * ByteReader never throws: every read first checks `need(n)`; on a short buffer the
 * reader records `overrun` and returns 0 / an empty view, so a decoder can read a whole
 * header and test `r.ok` once (or test `need()` before each group of reads).
 * ByteWriter grows nothing: it is sized up front and throws on overrun, because writing
 * past the end is a bug in our code, not bad network input.
 */

export class ByteReader {
  private pos = 0;
  /** Set once any read went past the end. */
  overrun = false;

  constructor(readonly buf: Uint8Array, start = 0, readonly end = buf.length) {
    this.pos = Math.min(Math.max(0, start), end);
  }

  get offset(): number {
    return this.pos;
  }
  get remaining(): number {
    return this.end - this.pos;
  }
  get ok(): boolean {
    return !this.overrun;
  }

  /** True when `n` more bytes are available. Does not move the cursor. */
  need(n: number): boolean {
    return n >= 0 && this.pos + n <= this.end;
  }

  private take(n: number): number {
    if (!this.need(n)) {
      this.overrun = true;
      this.pos = this.end;
      return -1;
    }
    const p = this.pos;
    this.pos += n;
    return p;
  }

  u8(): number {
    const p = this.take(1);
    return p < 0 ? 0 : this.buf[p]!;
  }
  u16(): number {
    const p = this.take(2);
    return p < 0 ? 0 : (this.buf[p]! << 8) | this.buf[p + 1]!;
  }
  u32(): number {
    const p = this.take(4);
    return p < 0 ? 0 : ((this.buf[p]! << 24) >>> 0) + ((this.buf[p + 1]! << 16) | (this.buf[p + 2]! << 8) | this.buf[p + 3]!);
  }
  /** A view (not a copy) of the next `n` bytes; empty on overrun. */
  bytes(n: number): Uint8Array {
    const p = this.take(n);
    return p < 0 ? new Uint8Array(0) : this.buf.subarray(p, p + n);
  }
  skip(n: number): void {
    this.take(n);
  }
}

export class ByteWriter {
  private pos = 0;
  readonly buf: Uint8Array;

  constructor(size: number) {
    this.buf = new Uint8Array(size);
  }
  get offset(): number {
    return this.pos;
  }
  private room(n: number): number {
    if (this.pos + n > this.buf.length) throw new RangeError(`ByteWriter overrun: ${this.pos}+${n} > ${this.buf.length}`);
    const p = this.pos;
    this.pos += n;
    return p;
  }
  u8(v: number): this {
    this.buf[this.room(1)] = v & 0xff;
    return this;
  }
  u16(v: number): this {
    const p = this.room(2);
    this.buf[p] = (v >>> 8) & 0xff;
    this.buf[p + 1] = v & 0xff;
    return this;
  }
  u32(v: number): this {
    const p = this.room(4);
    this.buf[p] = (v >>> 24) & 0xff;
    this.buf[p + 1] = (v >>> 16) & 0xff;
    this.buf[p + 2] = (v >>> 8) & 0xff;
    this.buf[p + 3] = v & 0xff;
    return this;
  }
  bytes(b: Uint8Array): this {
    const p = this.room(b.length);
    this.buf.set(b, p);
    return this;
  }
  zeros(n: number): this {
    this.room(n);
    return this;
  }
  /** Overwrite a big-endian u16 at an absolute offset already written. */
  patchU16(at: number, v: number): this {
    if (at < 0 || at + 2 > this.pos) throw new RangeError(`ByteWriter patch outside written area: ${at}`);
    this.buf[at] = (v >>> 8) & 0xff;
    this.buf[at + 1] = v & 0xff;
    return this;
  }
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Parse hex, ignoring whitespace and `#` comments to end of line; undefined if malformed. */
export function fromHex(text: string): Uint8Array | undefined {
  const clean = text.replace(/#[^\n]*/g, '').replace(/\s+/g, '');
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) return undefined;
  return new Uint8Array(Buffer.from(clean, 'hex'));
}
