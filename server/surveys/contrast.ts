/*
 * WCAG 2 contrast between two sRGB colours, for a survey's accent colour: links in the accent on
 * the white page, and white text on accent buttons. Contrast is symmetric, so one ratio against
 * white covers both. https://www.w3.org/TR/WCAG21/#dfn-contrast-ratio
 */

export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;

/** WCAG AA for normal text. */
export const AA_CONTRAST = 4.5;

export const PAGE_BACKGROUND = '#ffffff';

type Rgb = readonly [number, number, number];

function parseHex(hex: string): Rgb {
  if (!HEX_COLOUR.test(hex)) throw new Error(`not a #rrggbb colour: ${hex}`);
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as unknown as Rgb;
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}

/** Relative luminance, 0 for black to 1 for white. */
export function relativeLuminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as unknown as Rgb;
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The contrast ratio, from 1 (same colour) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Rounded down, so that a printed "4.5" is never a ratio that fails. */
export function formatRatio(ratio: number): string {
  return `${Math.floor(ratio * 100) / 100}:1`;
}

/** The colour mixed with black: `amount` 0 keeps it, 1 is black. */
function darken(hex: string, amount: number): string {
  return toHex(parseHex(hex).map((c) => c * (1 - amount)) as unknown as Rgb);
}

/**
 * The lightest shade of `hex` (mixed with black) that reaches `ratio` against white: what an
 * organizer whose colour fails can use instead, close to the colour they chose.
 */
export function darkestNeeded(hex: string, ratio = AA_CONTRAST): string {
  for (let amount = 0; amount <= 1; amount += 0.01) {
    const candidate = darken(hex, amount);
    if (contrastRatio(candidate, PAGE_BACKGROUND) >= ratio) return candidate;
  }
  return '#000000';
}

/** The hover shade of an accent: visibly darker, so it passes whenever the accent does. */
export function hoverShade(accent: string): string {
  return darken(accent, 0.25);
}
