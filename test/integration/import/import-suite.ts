// What every import test file sets up: the app for the file, with CAP-TIC as its file defines it,
// and an empty database before each test.
import { CAPTIC_ID } from '../../fixtures/captic-answers';
import { startTestApp, type TestApp } from '../../support/app';
import type { LoadedSurvey } from '../../../server/surveys/survey.loader';

export interface ImportSuite {
  readonly app: TestApp;
  /** CAP-TIC as its file defines it: what the command line hands the import. */
  readonly captic: LoadedSurvey;
}

export function useImportSuite(): ImportSuite {
  let app: TestApp | undefined;
  before(async () => {
    app = await startTestApp();
  });
  after(async () => app?.close());
  beforeEach(() => app!.reset());
  const started = (): TestApp => {
    if (!app) throw new Error('the app starts in the suite\'s before hook');
    return app;
  };
  return {
    get app() {
      return started();
    },
    get captic() {
      return started().catalog.require(CAPTIC_ID);
    },
  };
}
