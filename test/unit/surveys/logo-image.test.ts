import { expect } from 'chai';
import { MAX_LOGO_BYTES, readLogo, readLogoData } from '../../../server/surveys/logo-image';
import { jpegBytes, pngBytes, webpBytes } from './logo-bytes';


describe('logo images read from their bytes', () => {
  it('recognises PNG, JPEG, WebP and SVG with their intrinsic size', () => {
    expect(readLogo(pngBytes(400, 100))).to.deep.equal({ ok: true, image: { extension: 'png', contentType: 'image/png', width: 400, height: 100 } });
    expect(readLogo(jpegBytes(320, 80))).to.deep.equal({ ok: true, image: { extension: 'jpg', contentType: 'image/jpeg', width: 320, height: 80 } });
    expect(readLogo(webpBytes(300, 60))).to.deep.equal({ ok: true, image: { extension: 'webp', contentType: 'image/webp', width: 300, height: 60 } });
    const svg = Buffer.from('<?xml version="1.0"?>\n<!-- a comment -->\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 56"><rect width="1" height="1"/></svg>');
    expect(readLogo(svg)).to.deep.equal({ ok: true, image: { extension: 'svg', contentType: 'image/svg+xml', width: 240, height: 56 } });
    expect(readLogo(Buffer.from('<svg width="120px" height="30" xmlns="http://www.w3.org/2000/svg"></svg>'))).to.have.nested.property('image.width', 120);
  });

  it('refuses what is not one of them, whatever it is called, and an SVG without a size', () => {
    expect(readLogo(Buffer.from('GIF89a......'))).to.deep.equal({ ok: false, message: 'the logo is not a PNG, JPEG, WebP or SVG image (its content was read, not its name)' });
    expect(readLogo(Buffer.from('<html><svg></svg></html>'))).to.have.property('ok', false);
    expect(readLogo(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"></svg>'))).to.deep.equal({ ok: false, message: 'the SVG logo has no size: give its <svg> element width and height, or a viewBox' });
    expect(readLogo(Buffer.alloc(0))).to.have.property('ok', false);
  });

  it('reads an SVG prologue of many comments in time linear in its length (no catastrophic backtracking)', () => {
    // Each comment could end at any later "-->": a pattern that lets it try them all doubles its
    // work per comment, and a 250-byte upload held the server for seconds, 300 bytes for hours.
    const comments = '<!---->'.repeat(32);
    const started = performance.now();
    expect(readLogo(Buffer.from(`${comments}x`))).to.have.property('ok', false);
    expect(readLogo(Buffer.from(`${comments}<svg width="10" height="5"></svg>`))).to.have.nested.property('image.width', 10);
    expect(performance.now() - started).to.be.below(1000);
  });

  it(`refuses a logo over ${MAX_LOGO_BYTES / 1024} KB`, () => {
    const big = Buffer.concat([pngBytes(10, 10), Buffer.alloc(MAX_LOGO_BYTES)]);
    const reading = readLogo(big);
    expect(reading.ok).to.equal(false);
    expect(!reading.ok && reading.message).to.match(/^the logo is 201 KB, more than the 200 KB allowed/);
  });

  it('reads a data URL and checks its declared type against its bytes', () => {
    const png = pngBytes(40, 20).toString('base64');
    expect(readLogoData(`data:image/png;base64,${png}`)).to.have.property('ok', true);
    expect(readLogoData(`data:image/svg+xml;base64,${png}`)).to.deep.equal({ ok: false, message: 'declares image/svg+xml but its bytes are image/png: write data:image/png;base64,...' });
    expect(readLogoData('https://example.org/logo.png')).to.have.property('ok', false);
  });
});
