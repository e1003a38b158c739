// A survey's own look on the respondent's pages (logo, accent colour, sponsor line, thank-you
// link), read from the definition the respondent answers: the version their wave pins, so a wave
// keeps the look it was fielded with. The logo and the accent stylesheet are served at addresses
// that name the version and the content (branding.routes.ts), so browsers may keep them for ever.
import { createHash } from 'node:crypto';
import { hoverShade } from './contrast';
import { fingerprintSurvey } from './fingerprint';
import { localize } from './localize';
import { decodeLogoData, readLogo, type LogoImage } from './logo-image';
import { surveyTitle } from './survey-titles';
import type { TSurveyDefinition } from './survey.schemas';

/** What the respondent's header, stylesheet list and thank-you page show. */
export interface RespondentBranding {
  /** The header's name when the survey has no logo: its title (Barometer is only in the footer). */
  readonly title: string;
  readonly logo?: { src: string; alt: string; width: number; height: number };
  readonly sponsor?: string;
  /** The stylesheet that sets the survey's accent colour. */
  readonly themeHref?: string;
  readonly thankYouLink?: { url: string; label: string };
}

/** The files a version's branding serves, decoded once per definition. */
export interface BrandingAssets {
  /** The version's fingerprint without its "sha256:" prefix: it names the version in addresses. */
  readonly version: string;
  readonly logo?: { bytes: Buffer; image: LogoImage; hash: string };
  readonly theme?: { css: string; hash: string };
}

/** The logo's box in the header: it keeps its proportions within these, never grows. */
const LOGO_MAX_HEIGHT = 56;
const LOGO_MAX_WIDTH = 240;

function contentHash(content: Buffer | string): string {
  return createHash('sha256').update(content).digest('hex').slice(0, 16);
}

/** The accent and its hover shade, over the defaults of app.css (loaded before it). */
function themeStylesheet(accent: string): string {
  return `:root{--accent:${accent};--accent-dark:${hoverShade(accent)}}\n`;
}

// Definitions are never changed once loaded (the file's, or a stored version the catalog keeps),
// so what is computed from one is kept with it.
const assetsByDefinition = new WeakMap<TSurveyDefinition, BrandingAssets>();

export function brandingAssets(definition: TSurveyDefinition): BrandingAssets {
  const known = assetsByDefinition.get(definition);
  if (known) return known;
  const { logo, accent } = definition.branding ?? {};
  const decoded = logo ? decodeLogoData(logo.data) : undefined;
  const reading = decoded ? readLogo(decoded.bytes) : undefined;
  const css = accent ? themeStylesheet(accent) : undefined;
  const assets: BrandingAssets = {
    version: fingerprintSurvey(definition).replace(/^sha256:/, ''),
    ...(decoded && reading?.ok ? { logo: { bytes: decoded.bytes, image: reading.image, hash: contentHash(decoded.bytes) } } : {}),
    ...(css ? { theme: { css, hash: contentHash(css) } } : {}),
  };
  assetsByDefinition.set(definition, assets);
  return assets;
}

function logoPath(surveyId: string, assets: BrandingAssets): string | undefined {
  return assets.logo && `/s/${surveyId}/branding/${assets.version}/logo-${assets.logo.hash}.${assets.logo.image.extension}`;
}

function themePath(surveyId: string, assets: BrandingAssets): string | undefined {
  return assets.theme && `/s/${surveyId}/branding/${assets.version}/theme-${assets.theme.hash}.css`;
}

function displaySize(image: LogoImage): { width: number; height: number } {
  const scale = Math.min(1, LOGO_MAX_HEIGHT / image.height, LOGO_MAX_WIDTH / image.width);
  return { width: Math.round(image.width * scale), height: Math.round(image.height * scale) };
}

export function respondentBranding(definition: TSurveyDefinition, lang: string): RespondentBranding {
  const text = (value: Parameters<typeof localize>[0]) => localize(value, lang, definition.languages[0]);
  const branding = definition.branding;
  const assets = brandingAssets(definition);
  const logoSrc = logoPath(definition.id, assets);
  const themeHref = themePath(definition.id, assets);
  return {
    title: surveyTitle(definition, lang),
    ...(logoSrc && assets.logo && branding?.logo ? { logo: { src: logoSrc, alt: text(branding.logo.alt), ...displaySize(assets.logo.image) } } : {}),
    ...(branding?.sponsor ? { sponsor: text(branding.sponsor) } : {}),
    ...(themeHref ? { themeHref } : {}),
    ...(branding?.thank_you_link ? { thankYouLink: { url: branding.thank_you_link.url, label: text(branding.thank_you_link.label) } } : {}),
  };
}
