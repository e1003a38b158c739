// Launches Debian's Chromium through playwright-core. Never downloads a browser: when Chromium is
// not installed the suite fails with the command that installs it, instead of skipping.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestApp, type TestApp, type TestAppOptions } from '../../support/app';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** One browser per test file; each test opens its own context (cookies, storage, viewport). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium is not installed at ${CHROMIUM_PATH}: the end-to-end tests need it. ` +
        'Install it with `apt-get install -y chromium` (or set CHROMIUM_PATH).',
    );
  }
  // playwright-core gives every launch a fresh temporary profile and deletes it on close.
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A fresh context (its own cookies: a new respondent). Waits are short, so a missing element
 * fails the test in seconds with Playwright's message rather than at Mocha's timeout.
 */
export async function openContext(browser: Browser, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(5_000);
  context.setDefaultNavigationTimeout(10_000);
  return context;
}

export interface ChromiumSuite {
  /** The app under test, started once for the file. */
  readonly app: TestApp;
  /** A page in a fresh context (its own cookies), closed after the test (after the file, in a story). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
}

export interface ChromiumSuiteOptions {
  /**
   * The app's environment, read when it starts: it may name what an earlier `before` hook of the
   * suite started (a test SMTP server's URL).
   */
  env?: () => Record<string, string>;
  /** How the app starts (a test clock, the mail worker), as startTestApp takes it. */
  app?: TestAppOptions;
  /**
   * The file's tests are one story, in order: the database is emptied once, before the suite's
   * own `before` hooks set the story up, and pages stay open from test to test until the file ends.
   */
  story?: boolean;
}

/**
 * What every browser test file sets up: the app and one Chromium for the file, an empty
 * database before each test (before the first, in a story), and the contexts a test opened
 * closed after it (after the file, in a story). Call it inside `describe`, before the suite's own
 * hooks, which then see the app started.
 */
export function useChromiumSuite(options: ChromiumSuiteOptions = {}): ChromiumSuite {
  const { env, story = false } = options;
  let app: TestApp | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const closeContexts = async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  };
  before(async () => {
    app = await startTestApp(env?.(), options.app);
    if (story) await app.reset();
    browser = await launchChromium();
  });
  after(async () => {
    await closeContexts();
    await browser?.close();
    await app?.close();
  });
  if (!story) {
    beforeEach(() => app!.reset());
    afterEach(closeContexts);
  }
  return {
    get app() {
      if (!app) throw new Error('the app starts in the suite\'s before hook');
      return app;
    },
    async newPage(options = {}) {
      if (!browser) throw new Error('Chromium starts in the suite\'s before hook');
      const context = await openContext(browser, options);
      contexts.push(context);
      return context.newPage();
    },
  };
}
