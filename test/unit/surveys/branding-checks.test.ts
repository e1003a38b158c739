import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { checkSurveyText, formatProblem, loadSurveyFile, SurveyDefinitionError, type SurveyProblem } from '../../../server/surveys/survey.loader';
import { BASE_METADATA_YAML, lineOfText, problemsOf } from './survey-builders';
import { pngBytes } from './logo-bytes';

const PAGES = `pages:
  - id: p1
    questions:
      - { id: q, type: nps, text: { fr: Q, en: Q } }
`;

const LOGO_ALT = '    alt: { fr: Le logo, en: The logo }\n';

/** A survey file with `branding` in a fresh folder, with the given files beside it. */
function surveyFolder(branding: string, files: Record<string, Buffer | string> = {}): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'branding-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  const file = join(dir, 'survey.yaml');
  writeFileSync(file, `${BASE_METADATA_YAML}branding:\n${branding}${PAGES}`);
  return { dir, file };
}

async function fileProblems(branding: string, files: Record<string, Buffer | string> = {}): Promise<SurveyProblem[]> {
  const { dir, file } = surveyFolder(branding, files);
  try {
    await loadSurveyFile(file);
  } catch (error) {
    if (error instanceof SurveyDefinitionError) return error.problems;
    throw error;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return expect.fail('the definition was accepted');
}

const brandingLine = BASE_METADATA_YAML.split('\n').length;

describe('survey branding checks', () => {
  it('accepts a full branding block, with the logo file embedded in the definition', async () => {
    const { dir, file } = surveyFolder(
      `  logo:\n    file: assets/logo.png\n${LOGO_ALT}  accent: "#0B5CAD"\n  sponsor: { fr: Une enquête de X, en: A survey by X }\n  thank_you_link: { url: "https://example.org/next", label: { fr: Suite, en: Next } }\n`,
      { 'assets/logo.png': pngBytes(400, 100) },
    );
    try {
      const { definition } = await loadSurveyFile(file);
      expect(definition.branding?.accent).to.equal('#0b5cad');
      expect(definition.branding?.logo).to.deep.equal({ data: `data:image/png;base64,${pngBytes(400, 100).toString('base64')}`, alt: { fr: 'Le logo', en: 'The logo' } });
      expect(definition.branding?.thank_you_link?.url).to.equal('https://example.org/next');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same version to the file and to an upload carrying the logo as data', async () => {
    const { dir, file } = surveyFolder(`  logo:\n    file: logo.png\n${LOGO_ALT}`, { 'logo.png': pngBytes(40, 10) });
    try {
      const fromFile = await loadSurveyFile(file);
      const upload = `${BASE_METADATA_YAML}branding:\n  logo:\n    data: data:image/png;base64,${pngBytes(40, 10).toString('base64')}\n${LOGO_ALT}${PAGES}`;
      const uploaded = checkSurveyText(upload, 'upload.yaml');
      expect(uploaded.ok && uploaded.survey.fingerprint).to.equal(fromFile.fingerprint);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses an accent under 4.5:1 against white, with the ratio and a shade that passes', () => {
    const body = `branding:\n  accent: "#ff9900"\n${PAGES}`;
    expect(problemsOf(body).map(formatProblem)).to.deep.equal([
      `surveys/test.yaml:${lineOfText(body, 'accent')} branding.accent: #ff9900 has a contrast of 2.14:1 against the white page (links in the accent, and white text on accent buttons): WCAG AA needs at least 4.5:1; a darker shade such as #a86500 passes`,
    ]);
    expect(problemsOf(`branding:\n  accent: blue\n${PAGES}`)[0]?.message).to.equal('"blue" is not a colour written #rrggbb (e.g. "#0b5cad")');
  });

  it('refuses a thank-you link that is not https (http only for localhost)', () => {
    const link = (url: string) => `branding:\n  thank_you_link:\n    url: "${url}"\n    label: { fr: Suite, en: Next }\n${PAGES}`;
    expect(problemsOf(link('javascript:alert(1)')).map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
      'branding.thank_you_link.url: "javascript:alert(1)" uses javascript:, not https: a thank-you link must be an https address',
    ]);
    expect(problemsOf(link('http://example.org/'))[0]?.message).to.equal('"http://example.org/" is not https: a thank-you link must be https (http only for localhost)');
    expect(problemsOf(link('/thanks'))[0]?.message).to.equal('"/thanks" is not a full address: write it https://...');
    expect(checkSurveyText(BASE_METADATA_YAML + link('http://localhost:3000/next'), 'x.yaml').ok).to.equal(true);
  });

  it('refuses a thank-you link that carries a user name or password, or is longer than 2000 characters', () => {
    const link = (url: string) => `branding:\n  thank_you_link:\n    url: "${url}"\n    label: { fr: Suite, en: Next }\n${PAGES}`;
    expect(problemsOf(link('https://user:pass@example.org/next'))[0]?.message).to.equal(
      'the thank-you link carries a user name or password (https://user:pass@...): every respondent would see it; give the address without them',
    );
    expect(problemsOf(link('https://example.org@evil.example/'))[0]?.message).to.match(/carries a user name or password/);
    const long = `https://example.org/${'a'.repeat(2000)}`;
    expect(problemsOf(link(long))[0]?.message).to.equal('the thank-you link has 2020 characters, more than the 2000 a link may have');
    expect(checkSurveyText(BASE_METADATA_YAML + link(`https://example.org/${'a'.repeat(1900)}`), 'x.yaml').ok).to.equal(true);
  });

  it('refuses missing translations of the sponsor line, the alt text and the link label', () => {
    const body = `branding:\n  sponsor: { fr: Une enquête de X }\n  thank_you_link: { url: "https://example.org", label: Suite }\n${PAGES}`;
    expect(problemsOf(body).map((p) => `${p.path}: ${p.message}`)).to.deep.equal([
      'branding.sponsor: missing translation "en"',
      'branding.thank_you_link.label: missing translation "en" (plain text counts as the source language "fr"; write { fr: ..., en: ... })',
    ]);
  });

  it('refuses a logo file that is missing, outside the folder, too large or not an image, on the line of file', async () => {
    const logo = (file: string) => `  logo:\n    file: ${file}\n${LOGO_ALT}`;
    const line = brandingLine + 2;
    const one = async (file: string, files: Record<string, Buffer | string> = {}) => (await fileProblems(logo(file), files)).map((p) => `${p.line} ${p.path}: ${p.message}`);
    expect(await one('assets/none.svg')).to.deep.equal([`${line} branding.logo.file: assets/none.svg does not exist (the path is read from the survey file's folder)`]);
    expect(await one('../secret.png')).to.deep.equal([`${line} branding.logo.file: "../secret.png" is outside the survey's folder: give a path beside the survey file, e.g. assets/logo.svg`]);
    expect(await one('big.png', { 'big.png': Buffer.concat([pngBytes(10, 10), Buffer.alloc(300 * 1024)]) })).to.deep.equal([`${line} branding.logo.file: big.png is 301 KB, more than the 200 KB a logo may be`]);
    expect(await one('notes.png', { 'notes.png': 'just some text' })).to.deep.equal([
      `${line} branding.logo.file: notes.png: the logo is not a PNG, JPEG, WebP or SVG image (its content was read, not its name)`,
    ]);
  });

  it('refuses a logo path that is a link out of the folder, or not a file (a device would be read for ever)', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'outside-'));
    writeFileSync(join(outside, 'secret.png'), pngBytes(10, 10));
    const { dir, file } = surveyFolder(`  logo:\n    file: assets/logo.png\n${LOGO_ALT}`, { 'assets/.keep': '' });
    const line = brandingLine + 2;
    const problems = async () => {
      try {
        await loadSurveyFile(file);
      } catch (error) {
        if (error instanceof SurveyDefinitionError) return error.problems.map((p) => `${p.line} ${p.path}: ${p.message}`);
        throw error;
      }
      return expect.fail('the definition was accepted');
    };
    try {
      symlinkSync(join(outside, 'secret.png'), join(dir, 'assets', 'logo.png'));
      expect(await problems()).to.deep.equal([`${line} branding.logo.file: "assets/logo.png" is outside the survey's folder: give a path beside the survey file, e.g. assets/logo.svg`]);
      rmSync(join(dir, 'assets', 'logo.png'));
      symlinkSync('/dev/zero', join(dir, 'assets', 'logo.png'));
      expect(await problems()).to.deep.equal([`${line} branding.logo.file: "assets/logo.png" is outside the survey's folder: give a path beside the survey file, e.g. assets/logo.svg`]);
      rmSync(join(dir, 'assets', 'logo.png'));
      mkdirSync(join(dir, 'assets', 'logo.png'));
      expect(await problems()).to.deep.equal([`${line} branding.logo.file: assets/logo.png is not a file`]);
      // A link that stays in the folder is the file it names.
      rmSync(join(dir, 'assets', 'logo.png'), { recursive: true });
      writeFileSync(join(dir, 'assets', 'real.png'), pngBytes(10, 10));
      symlinkSync('real.png', join(dir, 'assets', 'logo.png'));
      expect((await loadSurveyFile(file)).definition.branding?.logo?.data).to.match(/^data:image\/png;base64,/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it('refuses a logo file in an upload, and data that is not an image', () => {
    const upload = (logo: string) => `branding:\n  logo:\n${logo}${LOGO_ALT}${PAGES}`;
    expect(problemsOf(upload('    file: logo.png\n'))[0]?.message).to.match(/^a logo file is read only beside a definition file on the server; an uploaded definition carries its logo: write data:/);
    expect(problemsOf(upload(`    data: data:image/png;base64,${Buffer.from('hello').toString('base64')}\n`)).map((p) => p.path)).to.deep.equal(['branding.logo.data']);
    expect(problemsOf(upload(''))[0]?.message).to.equal('a logo needs file (an image beside the survey file, e.g. assets/logo.svg) or data');
  });

  it('is what npm run surveys:check prints: file, line and branding.accent', async function () {
    this.timeout(30000);
    const { dir, file } = surveyFolder('  accent: "#ffcc00"\n');
    try {
      const run = promisify(execFile);
      const failure = await run(process.execPath, ['--import', 'tsx', 'server/surveys/check.cli.ts', file]).then(
        () => expect.fail('the check passed'),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      expect(failure.code).to.equal(1);
      expect(failure.stderr + failure.stdout).to.include(`${file}:${brandingLine + 1} branding.accent: #ffcc00 has a contrast of 1.51:1 against the white page`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('docs/survey-format.md, section Branding', () => {
  it('has an example that passes the check with its logo beside the file', async () => {
    const doc = readFileSync('docs/survey-format.md', 'utf8');
    const example = /<!-- branding-example:start -->\s*```yaml\nbranding:\n([\s\S]*?)```\s*<!-- branding-example:end -->/.exec(doc)?.[1];
    expect(example, 'example block').to.be.a('string');
    const { dir, file } = surveyFolder(example ?? '', { 'assets/canteen-logo.svg': '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"></svg>' });
    try {
      expect((await loadSurveyFile(file)).definition.branding?.thank_you_link?.label).to.deep.equal({ fr: "Retour à l'intranet", en: 'Back to the intranet' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
