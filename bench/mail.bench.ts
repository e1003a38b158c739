// `npm run bench:mail`: a 10,000-member panel's invitations through the outbox, each part beside
// a reference measured in the same run, as a ratio.
//
//   1. Queue: enqueueMails of 10,000 invitation-sized messages in one call (every message checked,
//      its Message-ID derived, one unordered insertMany), against the reference: the driver's
//      insertMany of the same 10,000 documents already built. queued/s and the ratio.
//   2. Send: the mail worker (claim under a lease, hooks, send, record `sent`) to the local mail
//      catcher (which parses each message and stores it in caught_mail, as in a first run), at no
//      rate limit, against the reference: raw nodemailer sending the same messages through the
//      same pooled transport to the same catcher, with nothing recorded. sent/s and the ratio,
//      which is what the outbox's durability costs per message.
// The store is the embedded one with its journal on disk in a temporary directory, as production
// runs it without MONGODB_URI. Results and how to read them: docs/benchmarks.md.
//
//   npm run bench:mail
//   npm run bench:mail -- --messages 2000 --concurrency 4 --json
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startEmbeddedMongo } from '../server/embedded-mongo/index';
import { createLogger } from '../server/lib/logger';
import { systemClock } from '../server/lib/clock';
import { enqueueMails, type OutgoingMail } from '../server/mail/outbox.service';
import { OutboxModel } from '../server/mail/outbox.model';
import { CaughtMailModel } from '../server/mail/caught-mail.model';
import { startMailCatcher } from '../server/mail/mail-catcher';
import { createMailWorker } from '../server/mail/mail-worker';
import { createSmtpTransport } from '../server/mail/smtp-transport';
import { describeMachine, markdownTable } from './bench-output';

const SENDER = { from: 'Barometer <barometer@bench.example.org>' };

function parseOptions(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: { messages: { type: 'string', default: '10000' }, concurrency: { type: 'string', default: '1' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } },
    strict: true,
  });
  if (values.help) {
    console.log('usage: npm run bench:mail -- [--messages 10000] [--concurrency 1] [--json]');
    process.exit(0);
  }
  const messages = Number(values.messages);
  const concurrency = Number(values.concurrency);
  if (!(Number.isInteger(messages) && messages > 0)) throw new Error(`--messages is a whole number, not "${values.messages}"`);
  if (!(Number.isInteger(concurrency) && concurrency > 0 && concurrency <= 16)) throw new Error(`--concurrency is 1 to 16, not "${values.concurrency}"`);
  return { messages, concurrency, json: values.json ?? false };
}

/** An invitation about the size of the real one: a personal link, a footer, both parts. */
function invitation(n: number, run: string): OutgoingMail {
  const link = `https://barometer.example.org/s/captic_2011/i/i_${n.toString(36).padStart(43, 'x')}`;
  const paragraph = 'Chaque année, nous interrogeons les entreprises de la région sur leurs usages numériques. ';
  return {
    key: `invitation:${run}:${n}`,
    purpose: 'invitation',
    to: { address: `member${n}@panel.example.org`, name: `Member ${n}` },
    subject: 'CAP-TIC 2011 : votre invitation',
    text: `${paragraph.repeat(4)}\n\n${link}\n\nBarometer, 1 rue de l'Exemple, 34000 Montpellier`,
    html: `<p>${paragraph.repeat(4)}</p><p><a href="${link}">${link}</a></p><p>Barometer, 1 rue de l'Exemple, 34000 Montpellier</p>`,
    headers: { 'List-Unsubscribe': `<https://barometer.example.org/u/${n}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    about: { surveyId: 'captic_2011', waveId: '2011-03', memberId: String(n) },
  };
}

function seconds(started: number): number {
  return (performance.now() - started) / 1000;
}

async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-mail-'));
  const store = await startEmbeddedMongo({ dataDir, logger: { info: () => undefined, warn: (m) => console.error(m), error: (m) => console.error(m) } });
  await mongoose.connect(`${store.uri}/bench`);
  await OutboxModel.init();
  await CaughtMailModel.init();
  const logger = createLogger({ LOG_LEVEL: 'warn', NODE_ENV: 'production' }, 'stderr');
  const catcher = await startMailCatcher({ logger, clock: systemClock });
  const n = options.messages;
  const log = (line: string) => (options.json ? console.error(line) : console.log(line));
  try {
    // 1. Queue, then the reference insert of the same documents into another collection.
    log(`queueing ${n} messages...`);
    let started = performance.now();
    const result = await enqueueMails(Array.from({ length: n }, (_, i) => invitation(i, 'a')), SENDER, new Date());
    const queueSeconds = seconds(started);
    if (result.queued !== n) throw new Error(`queued ${result.queued} of ${n}`);
    const documents = await OutboxModel.collection.find({}, { projection: { _id: 0 } }).toArray();
    started = performance.now();
    await mongoose.connection.collection('reference_inserts').insertMany(documents, { ordered: false });
    const referenceInsertSeconds = seconds(started);

    // 2. Send: the reference first (raw nodemailer, same transport settings, same catcher)...
    log(`sending ${n} through raw nodemailer...`);
    const rawTransport = createSmtpTransport(catcher.senderUrl, { maxConnections: options.concurrency });
    const rawMails = documents.map((document) => ({ messageId: document.messageId, from: document.from, to: document.to, subject: document.subject, text: document.text, html: document.html, headers: document.headers }));
    started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (next < rawMails.length) await rawTransport.sendMail(rawMails[next++] as never);
      }),
    );
    const rawSeconds = seconds(started);
    rawTransport.close();

    // ...then the worker, from the outbox.
    log(`sending ${n} through the outbox worker...`);
    const transport = createSmtpTransport(catcher.senderUrl, { maxConnections: options.concurrency });
    const worker = createMailWorker({ transport, logger, clock: systemClock, ratePerSecond: Infinity, concurrency: options.concurrency });
    started = performance.now();
    worker.start();
    await waitUntil(async () => (await OutboxModel.countDocuments({ status: 'sent' })) === n);
    const workerSeconds = seconds(started);
    await worker.stop();
    transport.close();
    const caught = await CaughtMailModel.countDocuments({});
    if (caught !== 2 * n) throw new Error(`the catcher holds ${caught} messages, not ${2 * n}`);

    const round = (value: number) => Math.round(value);
    const figures = {
      messages: n,
      concurrency: options.concurrency,
      queuedPerSecond: round(n / queueSeconds),
      referenceInsertPerSecond: round(n / referenceInsertSeconds),
      queueRatio: Math.round((referenceInsertSeconds / queueSeconds) * 100) / 100,
      sentPerSecond: round(n / workerSeconds),
      rawNodemailerPerSecond: round(n / rawSeconds),
      sendRatio: Math.round((rawSeconds / workerSeconds) * 100) / 100,
      machine: describeMachine(),
    };
    if (options.json) {
      console.log(JSON.stringify(figures, null, 2));
      return;
    }
    const { machine } = figures;
    console.log(`\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.ramGiB} GiB, Node ${machine.node}, ${machine.platform}`);
    console.log(`${n} messages, ${options.concurrency} in flight at once\n`);
    console.log(
      markdownTable(
        ['Part', 'Outbox (msg/s)', 'Reference (msg/s)', 'Outbox / reference'],
        [
          ['Queue: enqueueMails vs driver insertMany', String(figures.queuedPerSecond), String(figures.referenceInsertPerSecond), figures.queueRatio.toFixed(2)],
          ['Send to the catcher: worker vs raw nodemailer', String(figures.sentPerSecond), String(figures.rawNodemailerPerSecond), figures.sendRatio.toFixed(2)],
        ],
      ),
    );
  } finally {
    await catcher.close();
    await mongoose.disconnect();
    await store.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  }
}

await main();
