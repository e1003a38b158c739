// The floor of `npm run bench:load`: the least any respondent's page can cost on this stack, so
// that each run says how far the goals of issue 9 are from what Express, the driver and the
// embedded store allow, not only how far Barometer is from a bare "hello".
//
//   GET /      Express 5 and cookie-parser answer a body of FLOOR_BODY_BYTES (the size of the
//              page measured): what HTTP costs for a page-sized answer, with nothing read.
//   GET /read  the same, after the one read every page makes, by the app's own function
//              (findResponseByResumeToken: the response by its resume token's hash, through the
//              driver), from the embedded store opened exactly as the app opens it (openDatabase:
//              a worker thread of this process, a Unix socket, the journal on disk in DATA_DIR).
//
// No template, no CSRF, no security headers, no rules: a page that reads its response cannot
// cost less than /read. It listens on a free port of 127.0.0.1 and says where on stdout.
import { randomBytes } from 'node:crypto';
import express from 'express';
import cookieParser from 'cookie-parser';
import { parseConfig } from '../../server/lib/config';
import { openDatabase } from '../../server/lib/database';
import { createLogger } from '../../server/lib/logger';
import { ResponseModel } from '../../server/responses/response.model';
import { findResponseByResumeToken } from '../../server/responses/response.service';
import { storedResponseDocument } from '../../test/fixtures/stored-response';
import { CAPTIC_ID, USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../../test/fixtures/captic-answers';

/** The respondent's resume token: its hash is what the stored response carries. */
const TOKEN = randomBytes(32).toString('base64url');

const config = parseConfig(process.env);
const logger = createLogger(config);
const database = await openDatabase(config, logger);
// The app's responses collection with the app's indexes, which mongoose builds as it connects.
await ResponseModel.init();
const now = new Date();
await ResponseModel.collection.insertOne(
  storedResponseDocument({
    fingerprint: 'bench-load-floor',
    tokenSeed: TOKEN,
    status: 'partial',
    answers: USER_STORED_ANSWERS,
    otherTexts: USER_STORED_OTHER_TEXTS,
    language: 'fr',
    lastPageId: 'social_use',
    startedAt: now,
    savedAt: now,
    revision: 1,
  }),
);

const bodyBytes = Number(process.env.FLOOR_BODY_BYTES);
if (!Number.isSafeInteger(bodyBytes) || bodyBytes < 0) throw new Error(`FLOOR_BODY_BYTES must be a byte count, not "${process.env.FLOOR_BODY_BYTES}"`);
const body = `<!doctype html><p>${'x'.repeat(Math.max(0, bodyBytes - 19))}`;

const app = express();
app.disable('x-powered-by');
app.use(cookieParser(config.SECRET));
app.get('/', (_req, res) => {
  res.type('html').send(body);
});
app.get('/read', async (_req, res) => {
  const response = await findResponseByResumeToken(CAPTIC_ID, TOKEN);
  if (!response) throw new Error('The floor response is gone');
  res.type('html').send(body);
});

const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(`Floor is running at http://127.0.0.1:${port}`);
});

process.on('SIGTERM', () => {
  server.close(() => void database.close().then(() => process.exit(0)));
  server.closeIdleConnections();
});
