// The floor of `npm run bench:load`: the least any respondent's page can cost on this stack, so
// that each run says how far the goals of issue 9 are from what Express, the driver and the
// embedded store allow, not only how far Barometer is from a bare "hello".
//
//   GET /      Express 5 and cookie-parser answer a body of FLOOR_BODY_BYTES (the size of the
//              page measured): what HTTP costs for a page-sized answer, with nothing read.
//   GET /read  the same, after the one read every page makes: a response found by its resume
//              token's hash (the unique index the app's lookup uses), through the driver, from
//              the embedded store opened exactly as the app opens it (openDatabase: a worker
//              thread of this process, a Unix socket, the journal on disk in DATA_DIR).
//
// No template, no CSRF, no security headers, no rules: a page that reads its response cannot
// cost less than /read. It listens on a free port of 127.0.0.1 and says where on stdout.
import express from 'express';
import cookieParser from 'cookie-parser';
import mongoose from 'mongoose';
import { parseConfig } from '../../server/lib/config';
import { openDatabase } from '../../server/lib/database';
import { createLogger } from '../../server/lib/logger';
import { hashResumeToken } from '../../server/responses/response.service';
import { storedResponseDocument } from '../../test/fixtures/stored-response';
import { USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../../test/fixtures/captic-answers';

const TOKEN_SEED = 'bench-load-floor';

const config = parseConfig(process.env);
const logger = createLogger(config);
const database = await openDatabase(config, logger);
const db = mongoose.connection.db;
if (!db) throw new Error('The floor server has no database after connecting');
const responses = db.collection('responses');
await responses.createIndex({ resumeTokenHash: 1 }, { unique: true });
const now = new Date();
await responses.insertOne(
  storedResponseDocument({
    fingerprint: 'bench-load-floor',
    tokenSeed: TOKEN_SEED,
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
const resumeTokenHash = hashResumeToken(TOKEN_SEED);

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
  const response = await responses.findOne({ resumeTokenHash });
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
