// The setup most integration suites share, written once: the real app started for the suite, and
// before each test the database emptied and seeded again as boot does, on the app's test clock set
// back to the suite's start when it has one, with the suite's own data stored and its staff
// accounts made and the organizer signed in. Call it inside `describe`: it registers mocha hooks.
import { startTestApp, type TestApp } from './app';
import type { Browser } from './browser';
import { createTestClock, type TestClock } from './clock';
import { createStaff, signedInBrowser, type StaffMember } from './staff';

export interface AppSuiteOptions {
  /** The app runs on a test clock set to this instant before each test; on the system's clock without it. */
  startAt?: Date | string;
  /** The suite's own data, stored after the reset and before anyone's account is made. */
  seed?: (suite: AppSuite) => Promise<void>;
  /** An organizer of these surveys, organizer@example.org, signed in before each test in an English-reading browser. */
  organizerOf?: string[];
  /** An analyst of these surveys, analyst@example.org, made before each test but not signed in. */
  analystOf?: string[];
}

export interface AppSuite {
  readonly app: TestApp;
  /** The app's clock; only for a suite started with `startAt`. */
  readonly clock: TestClock;
  /** Only for a suite with `organizerOf`. */
  readonly organizer: StaffMember;
  /** The organizer's signed-in browser, reading English. */
  readonly browser: Browser;
  /** Only for a suite with `analystOf`. */
  readonly analyst: StaffMember;
}

/** Reading what the suite did not ask for, or before its hooks ran, is a mistake in the test: said at once. */
function required<T>(value: T | undefined, mistake: string): T {
  if (value === undefined) throw new Error(mistake);
  return value;
}

export function useAppSuite(options: AppSuiteOptions = {}): AppSuite {
  const { startAt, seed, organizerOf, analystOf } = options;
  const clock = startAt === undefined ? undefined : createTestClock(startAt);
  let app: TestApp | undefined;
  let organizer: StaffMember | undefined;
  let browser: Browser | undefined;
  let analyst: StaffMember | undefined;
  const suite: AppSuite = {
    get app() {
      return required(app, 'the app is read before the suite started it (in a `before` hook)');
    },
    get clock() {
      return required(clock, 'this suite runs on the system clock: give useAppSuite a startAt');
    },
    get organizer() {
      return required(organizer, 'this suite has no organizer: give useAppSuite organizerOf');
    },
    get browser() {
      return required(browser, 'this suite signs no one in: give useAppSuite organizerOf');
    },
    get analyst() {
      return required(analyst, 'this suite has no analyst: give useAppSuite analystOf');
    },
  };

  before(async () => {
    app = await startTestApp({}, clock ? { clock } : {});
  });
  after(async () => app?.close());
  beforeEach(async () => {
    if (startAt !== undefined) clock?.set(startAt);
    await suite.app.reset();
    await seed?.(suite);
    if (organizerOf) organizer = await createStaff(suite.app, { email: 'organizer@example.org', role: 'organizer', grants: organizerOf });
    if (analystOf) analyst = await createStaff(suite.app, { email: 'analyst@example.org', role: 'analyst', grants: analystOf });
    if (organizer) {
      browser = await signedInBrowser(suite.app, organizer);
      browser.acceptLanguage = 'en';
    }
  });
  return suite;
}
