import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import { ROOT } from '../../support/app';
import { CAPTIC_ID, USER_STORED_ANSWERS, USER_STORED_OTHER_TEXTS } from '../../fixtures/captic-answers';
import { formatLineProblem, ImportFileError, importResponses, type ImportFormat } from '../../../server/responses/import.service';
import { registerResponseHooks } from '../../../server/responses/completion-hooks';
import type { StoredResponse } from '../../../server/responses/response.service';
import { NotFoundError } from '../../../server/lib/errors';
import { useImportSuite } from './import-suite';

const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'import');

async function stored() {
  return mongoose.connection.db!.collection('responses').find({}).sort({ completedAt: 1 }).toArray();
}

// The completion hooks are process-wide; this one only listens while a test asks it to.
const completed: StoredResponse[] = [];
let listening = false;
registerResponseHooks('import-test', {
  async completed(response) {
    if (listening) completed.push(response);
  },
});

describe('Importing responses (import service)', () => {
  const suite = useImportSuite();
  beforeEach(() => {
    completed.length = 0;
    listening = true;
  });
  afterEach(() => {
    listening = false;
  });

  async function run(file: string, options: { format?: ImportFormat; skipInvalid?: boolean; dryRun?: boolean; wave?: string } = {}) {
    const content = await readFile(path.join(FIXTURES, file));
    return importResponses({ survey: suite.captic, format: options.format ?? (file.endsWith('.csv') ? 'csv' : 'jsonl'), content, ...options });
  }

  it('stores each JSON Lines response complete, from an import, in the current wave, with the version the wave pins', async () => {
    // On a fresh database the seeded demo wave is open, so it is the current one.
    const report = await run('captic-responses.jsonl');
    expect(report).to.include({ outcome: 'imported', total: 3, valid: 3, fresh: 3, imported: 3, waveId: 'demo', wavePhase: 'open', fingerprint: suite.captic.fingerprint });
    expect(report.problems).to.deep.equal([]);

    const docs = await stored();
    expect(docs).to.have.length(3);
    for (const doc of docs) {
      expect(doc).to.include({ surveyId: CAPTIC_ID, waveId: 'demo', status: 'complete', source: 'import', fingerprint: suite.captic.fingerprint });
      // No id in the file: each record is known by the hash of its content.
      expect(doc.importKey).to.match(/^sha256:[0-9a-f]{64}$/);
    }
    const [first] = docs;
    // The envelope form: answers, other texts, language and times as given.
    expect(first!.answers).to.deep.equal(USER_STORED_ANSWERS);
    expect(first!.otherTexts).to.deep.equal(USER_STORED_OTHER_TEXTS);
    expect(first!.language).to.equal('fr');
    expect((first!.startedAt as Date).toISOString()).to.equal('2011-03-14T09:12:00.000Z');
    expect((first!.completedAt as Date).toISOString()).to.equal('2011-03-14T09:30:00.000Z');
    // A bare answers object: the survey's first language, completed at import time.
    const bare = docs.find((d) => d.answers.uses_social === 'no')!;
    expect(bare.language).to.equal('fr');
    expect(bare.answers.comments).to.equal('Très utile');
    expect(Date.now() - (bare.completedAt as Date).getTime()).to.be.lessThan(60_000);
    const english = docs.find((d) => d.language === 'en')!;
    expect(english.otherTexts).to.deep.equal({ themes: 'Export', sector: 'Conseil -RH', function: '-DG adjoint' });
    expect(english.answers.comments).to.equal('=HYPERLINK("http://evil.example","click")');
  });

  it('runs the completion hooks once for every imported response', async () => {
    await run('captic-responses.jsonl');
    const docs = await stored();
    expect(completed.map((r) => r.id).sort()).to.deep.equal(docs.map((d) => String(d._id)).sort());
    expect(completed.every((r) => r.status === 'complete' && r.source === 'import')).to.equal(true);
  });

  it('reads a CSV with the export columns: lists split on ";", matrix rows, other texts, quoted multi-line texts, guarded formulas', async () => {
    const report = await run('captic-responses.csv');
    expect(report).to.include({ outcome: 'imported', imported: 2 });
    const [first, second] = await stored();
    expect(first!.answers).to.deep.include({
      networks: ['facebook', 'linkedin'],
      satisfaction_personal: { facebook: 4, linkedin: 'dont_know' },
      satisfaction_professional: { facebook: 3, linkedin: 5 },
      themes: ['creation', 'financing'],
      comments: 'Ligne un\r\nligne deux',
    });
    expect(first!.language).to.equal('fr');
    expect((first!.startedAt as Date).toISOString()).to.equal('2011-03-15T10:00:00.000Z');
    // '=1+1 is how the export writes the text =1+1: the quote is the guard, not the answer.
    expect(second!.answers.comments).to.equal('=1+1');
    expect(second!.otherTexts).to.deep.equal({ info_sources: 'Podcasts', sector: 'Conseil' });
    expect(second!.language).to.equal('en');
    expect((second!.startedAt as Date).toISOString()).to.equal('2011-03-16T10:40:00.000Z');
  });

  it('imports nothing from a file with a bad line, and names the line and the problem', async () => {
    const report = await run('captic-bad-lines.jsonl');
    expect(report.outcome).to.equal('rejected');
    expect(report.imported).to.equal(0);
    expect(report.problems.map(formatLineProblem)).to.deep.equal(['line 2: networks: unknown_option "myspace"', 'line 4: company_size: required']);
    expect(await stored()).to.have.length(0);
    expect(completed).to.have.length(0);
  });

  it('counts CSV lines as a spreadsheet shows them, multi-line cells included', async () => {
    const report = await run('captic-bad-line.csv');
    expect(report.outcome).to.equal('rejected');
    expect(report.problems.map(formatLineProblem)).to.include('line 5: networks: unknown_option "myspace"');
    expect(await stored()).to.have.length(0);
  });

  it('with skipInvalid, imports the valid responses and lists the lines it skipped', async () => {
    const report = await run('captic-bad-lines.jsonl', { skipInvalid: true });
    expect(report).to.include({ outcome: 'imported', total: 4, valid: 2, imported: 2 });
    expect(report.skippedLines).to.deep.equal([2, 4]);
    const docs = await stored();
    expect(docs).to.have.length(2);
    expect(completed).to.have.length(2);
  });

  it('with dryRun, checks everything and writes nothing', async () => {
    const report = await run('captic-responses.jsonl', { dryRun: true });
    expect(report).to.include({ outcome: 'checked', valid: 3, imported: 0 });
    expect(await stored()).to.have.length(0);
  });

  it('refuses a file without responses', async () => {
    const error = await run('empty.jsonl').catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImportFileError);
    expect((error as Error).message).to.match(/empty/);
  });

  it('refuses a CSV whose header names columns the survey does not have, whatever skipInvalid says', async () => {
    const error = await run('unknown-column.csv', { skipInvalid: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImportFileError);
    expect((error as ImportFileError).problems.map(formatLineProblem)).to.deep.equal([
      'line 1: column "favourite_colour": unknown_question',
      'line 1: column "networks.facebook": not_a_matrix (networks is multiple_choice)',
    ]);
    expect(await stored()).to.have.length(0);
  });

  it('reports an unknown wave as not found', async () => {
    const error = await run('captic-responses.jsonl', { wave: '1999-01' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(NotFoundError);
    expect(await stored()).to.have.length(0);
  });

  it('reports a bad language, bad dates and unknown envelope fields by line', async () => {
    const lines = [
      JSON.stringify({ answers: { uses_social: 'no' }, language: 'de', completedAt: 'yesterday', extra: 1 }),
      JSON.stringify(['not', 'an', 'object']),
      '{ not json',
    ].join('\n');
    const report = await importResponses({ survey: suite.captic, format: 'jsonl', content: lines });
    const messages = report.problems.map(formatLineProblem);
    expect(messages).to.include('line 1: extra: unknown_field (expected answers, otherTexts, language, startedAt, completedAt, response_id, external_id, weight)');
    expect(messages.some((m) => m.startsWith('line 2: not_an_object'))).to.equal(true);
    expect(messages.some((m) => m.startsWith('line 3: invalid_json'))).to.equal(true);
    const second = await importResponses({ survey: suite.captic, format: 'jsonl', content: JSON.stringify({ answers: { uses_social: 'no' }, language: 'de', completedAt: 'yesterday' }) });
    const secondMessages = second.problems.map(formatLineProblem);
    expect(secondMessages).to.include('line 1: language: unknown_language "de" (expected fr, en)');
    expect(secondMessages.some((m) => m.startsWith('line 1: completedAt: invalid_date "yesterday"'))).to.equal(true);
    expect(secondMessages).to.include('line 1: info_sources: required');
  });
});
