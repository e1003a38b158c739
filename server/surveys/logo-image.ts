/*
 * What a survey's logo is, read from its bytes (never from its name): PNG, JPEG, WebP or SVG,
 * with the intrinsic size that the page's <img> declares so the header does not jump while it
 * loads. Only the few header bytes each format puts first are read; a file these rules do not
 * recognise is refused. (A library such as image-size does this for dozens of formats; four
 * formats are a few lines each, and they keep the dependency list as it is.)
 */

export const MAX_LOGO_BYTES = 200 * 1024;

const LOGO_TYPES = {
  png: 'image/png',
  jpg: 'image/jpeg',
  webp: 'image/webp',
  svg: 'image/svg+xml',
} as const;
export type LogoExtension = keyof typeof LOGO_TYPES;

export interface LogoImage {
  extension: LogoExtension;
  contentType: (typeof LOGO_TYPES)[LogoExtension];
  width: number;
  height: number;
}

export type LogoReading = { ok: true; image: LogoImage } | { ok: false; message: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function image(extension: LogoExtension, width: number, height: number): LogoImage | undefined {
  return width > 0 && height > 0 ? { extension, contentType: LOGO_TYPES[extension], width, height } : undefined;
}

function readPng(bytes: Buffer): LogoImage | undefined {
  // The IHDR chunk comes first: width and height, big-endian, at 16 and 20.
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return image('png', bytes.readUInt32BE(16), bytes.readUInt32BE(20));
}

function readJpeg(bytes: Buffer): LogoImage | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  // Walk the segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC).
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    const marker = bytes[at + 1] as number;
    if (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) {
      return image('jpg', bytes.readUInt16BE(at + 7), bytes.readUInt16BE(at + 5));
    }
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return undefined;
}

function readWebp(bytes: Buffer): LogoImage | undefined {
  if (bytes.length < 30 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return undefined;
  switch (bytes.toString('latin1', 12, 16)) {
    case 'VP8X':
      return image('webp', bytes.readUIntLE(24, 3) + 1, bytes.readUIntLE(27, 3) + 1);
    case 'VP8 ':
      return image('webp', bytes.readUInt16LE(26) & 0x3fff, bytes.readUInt16LE(28) & 0x3fff);
    case 'VP8L': {
      const bits = bytes.readUInt32LE(21);
      return image('webp', (bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1);
    }
    default:
      return undefined;
  }
}

/**
 * An XML prologue (declaration, comments, doctype) and then the <svg> root element. A comment's
 * body never runs past its own "-->": a lazy `[\s\S]*?` could end it at any later one, which let
 * a few hundred bytes of empty comments (no <svg> after them) take hours of backtracking.
 */
const SVG_ROOT = /^\uFEFF?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--(?:(?!-->)[\s\S])*-->|<!DOCTYPE[^>]*>)\s*)*(<svg\b[^>]*>)/i;

function svgLength(tag: string, name: string): number | undefined {
  const match = new RegExp(`\\s${name}\\s*=\\s*["']\\s*([0-9.]+)\\s*(?:px)?\\s*["']`).exec(tag);
  return match ? Number(match[1]) : undefined;
}

function readSvg(bytes: Buffer): LogoImage | 'no_size' | undefined {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  const tag = SVG_ROOT.exec(text)?.[1];
  if (!tag) return undefined;
  const viewBox = /\sviewBox\s*=\s*["']\s*[-0-9.]+[\s,]+[-0-9.]+[\s,]+([0-9.]+)[\s,]+([0-9.]+)\s*["']/.exec(tag);
  const width = svgLength(tag, 'width') ?? (viewBox ? Number(viewBox[1]) : undefined);
  const height = svgLength(tag, 'height') ?? (viewBox ? Number(viewBox[2]) : undefined);
  if (width === undefined || height === undefined) return 'no_size';
  return image('svg', Math.round(width), Math.round(height)) ?? 'no_size';
}

/** Recognises a logo from its bytes, or says in words why it is refused. */
export function readLogo(bytes: Buffer): LogoReading {
  if (bytes.length === 0) return { ok: false, message: 'the logo file is empty' };
  if (bytes.length > MAX_LOGO_BYTES) {
    return { ok: false, message: `the logo is ${Math.ceil(bytes.length / 1024)} KB, more than the ${MAX_LOGO_BYTES / 1024} KB allowed: export it smaller (an SVG, or a PNG about 400 px wide)` };
  }
  const found = readPng(bytes) ?? readJpeg(bytes) ?? readWebp(bytes) ?? readSvg(bytes);
  if (found === 'no_size') return { ok: false, message: 'the SVG logo has no size: give its <svg> element width and height, or a viewBox' };
  if (!found) return { ok: false, message: 'the logo is not a PNG, JPEG, WebP or SVG image (its content was read, not its name)' };
  return { ok: true, image: found };
}

const DATA_URL = /^data:([a-z0-9.+/-]+);base64,([A-Za-z0-9+/=\s]+)$/i;

/** The bytes of a `data:<type>;base64,...` logo, or undefined when it is not written so. */
export function decodeLogoData(data: string): { declaredType: string; bytes: Buffer } | undefined {
  const match = DATA_URL.exec(data.trim());
  if (!match) return undefined;
  return { declaredType: (match[1] as string).toLowerCase(), bytes: Buffer.from((match[2] as string).replace(/\s+/g, ''), 'base64') };
}

export function encodeLogoData(bytes: Buffer, image: LogoImage): string {
  return `data:${image.contentType};base64,${bytes.toString('base64')}`;
}

/** Reads a `data:` logo as readLogo does, and checks that the type it declares is the one its bytes are. */
export function readLogoData(data: string): LogoReading {
  const decoded = decodeLogoData(data);
  if (!decoded) return { ok: false, message: 'must be a data URL written data:<type>;base64,<bytes> (e.g. data:image/png;base64,iVBORw0...)' };
  const reading = readLogo(decoded.bytes);
  if (reading.ok && reading.image.contentType !== decoded.declaredType) {
    return { ok: false, message: `declares ${decoded.declaredType} but its bytes are ${reading.image.contentType}: write data:${reading.image.contentType};base64,...` };
  }
  return reading;
}
