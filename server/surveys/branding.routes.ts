// The files of a survey's branding: its logo and its accent stylesheet, at addresses naming the
// version and the content, so they never change and browsers keep them (respondentBranding).
import type { RequestHandler, Router } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { NotFoundError } from '../lib/errors';
import { publicAccess, routeTable } from '../lib/routes';
import { brandingAssets } from './branding';

const ASSET_NAME = /^(logo|theme)-([0-9a-f]{16})\.(png|jpg|webp|svg|css)$/;
const VERSION = /^[0-9a-f]{16}$/;
const FOREVER = 'public, max-age=31536000, immutable';
/**
 * An SVG opened on its own is a document of our origin: whatever script or link it holds must not
 * run, so it gets a policy that allows nothing but its own inline styles, in a sandbox.
 */
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox";

export function brandingRoutes({ catalog }: Pick<AppDependencies, 'catalog'>): Router {
  const serveAsset: RequestHandler = async (req, res) => {
    const { surveyId, version, asset } = req.params as { surveyId: string; version: string; asset: string };
    const name = ASSET_NAME.exec(asset);
    if (!name || !VERSION.test(version)) throw new NotFoundError('No such branding file', 'branding_not_found');
    const [, kind, hash, extension] = name;
    const assets = brandingAssets((await catalog.version(surveyId, `sha256:${version}`)).definition);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (kind === 'logo' && assets.logo && assets.logo.hash === hash && assets.logo.image.extension === extension) {
      if (extension === 'svg') res.setHeader('Content-Security-Policy', SVG_POLICY);
      res.type(assets.logo.image.contentType).setHeader('Cache-Control', FOREVER);
      res.send(assets.logo.bytes);
      return;
    }
    if (kind === 'theme' && assets.theme && assets.theme.hash === hash && extension === 'css') {
      res.type('text/css').setHeader('Cache-Control', FOREVER);
      res.send(assets.theme.css);
      return;
    }
    throw new NotFoundError('No such branding file', 'branding_not_found');
  };
  return routeTable([['get', '/s/:surveyId/branding/:version/:asset', publicAccess, serveAsset]]);
}
