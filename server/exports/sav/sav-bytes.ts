// Little-endian bytes, as the system file format lays them out (the machine integer record says
// so: endianness 2). Texts are UTF-8 (the character encoding record says so), and every length
// the format asks for is a length in bytes, so a label with accents is sized by its bytes.

/** A text cut to at most `maxBytes` bytes of UTF-8 without splitting a character. */
export function utf8Prefix(text: string, maxBytes: number): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return bytes;
  let end = maxBytes;
  // A continuation byte is 10xxxxxx: step back to the first byte of the character it belongs to.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end);
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

export function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/** Collects the parts of a record or a case and joins them once. */
export class ByteWriter {
  private readonly parts: Buffer[] = [];

  int32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.parts.push(b);
    return this;
  }

  float64(value: number): this {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(value);
    this.parts.push(b);
    return this;
  }

  bytes(value: Buffer): this {
    this.parts.push(value);
    return this;
  }

  /** `value` in exactly `size` bytes: cut (on a character boundary) or padded with `pad`. */
  fixed(value: string | Buffer, size: number, pad = 0x20): this {
    const bytes = typeof value === 'string' ? utf8Prefix(value, size) : value.subarray(0, size);
    const b = Buffer.alloc(size, pad);
    bytes.copy(b);
    this.parts.push(b);
    return this;
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.parts);
  }
}
