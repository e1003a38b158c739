// Design weights come in with imported responses: `weight` beside the answers in JSON Lines, a
// `weight` column in CSV. What a file gives is stored exactly; a value that is not a weight, or a
// file where only some records have one, imports nothing.
import { expect } from 'chai';
import mongoose from 'mongoose';
import { registerResponseHooks } from '../../../server/responses/completion-hooks';
import { formatLineProblem, ImportFileError, importResponses, type ImportFormat } from '../../../server/responses/import.service';
import { useImportSuite } from './import-suite';

/** A valid CAP-TIC record of a respondent who does not use social networks. */
const NON_USER = {
  uses_social: 'no',
  info_sources: ['specialised_sites', 'radio'],
  club_member: 'yes',
  reasons: ['build_network'],
  themes: ['creation'],
  trust_mediated: 'yes',
  trust_unmediated: 'no',
  company_size: 'tpe',
  sector: 'retail',
  region: 'bretagne',
  function: 'business_owner',
};

const CSV_HEADER = 'external_id,uses_social,info_sources,club_member,reasons,themes,company_size,sector,region,function,weight';
function csvLine(externalId: string, weight: string): string {
  return `${externalId},no,specialised_sites;radio,yes,build_network,creation,tpe,retail,bretagne,business_owner,${weight}`;
}

/** One JSON Lines record in the envelope form, its weight written as raw JSON text (so 1e309 stays 1e309). */
function envelope(externalId: string, weightJson?: string): string {
  const head = JSON.stringify({ answers: NON_USER, external_id: externalId });
  return weightJson === undefined ? head : `${head.slice(0, -1)},"weight":${weightJson}}`;
}

async function storedResponses() {
  return mongoose.connection.db!.collection('responses').find({}, { projection: { importKey: 1, weight: 1 } }).sort({ importKey: 1 }).toArray();
}

// What the completion hooks (the live tallies among them) are told of each imported response.
const hookedWeights: Array<number | undefined> = [];
registerResponseHooks('design-weights-test', {
  async completed(response) {
    hookedWeights.push(response.weight);
  },
});

describe('Importing responses with design weights', () => {
  const suite = useImportSuite();
  beforeEach(() => {
    hookedWeights.length = 0;
  });

  function run(format: ImportFormat, lines: string[], options: { skipInvalid?: boolean; skipDuplicates?: boolean } = {}) {
    return importResponses({ survey: suite.captic, format, content: lines.join('\n'), ...options });
  }

  it('stores the weight of each JSON Lines record exactly, in the envelope and in the bare form', async () => {
    const bare = JSON.stringify({ ...NON_USER, external_id: 'r3', weight: 1e6 });
    const report = await run('jsonl', [envelope('r1', '1.5'), envelope('r2', '0.000123456789'), bare]);
    expect(report).to.include({ outcome: 'imported', imported: 3, weighted: true });
    const docs = await storedResponses();
    expect(docs.map((d) => [d.importKey, d.weight])).to.deep.equal([
      ['external_id:r1', 1.5],
      ['external_id:r2', 0.000123456789],
      ['external_id:r3', 1e6],
    ]);
    // The live counters learn each response with its weight, not at 1.
    expect(hookedWeights).to.deep.equal([1.5, 0.000123456789, 1e6]);
  });

  it('stores the weight column of a CSV exactly, decimal text read as the number it writes', async () => {
    const report = await run('csv', [CSV_HEADER, csvLine('c1', '2.25'), csvLine('c2', ' 3 '), csvLine('c3', '1.5e-3')]);
    expect(report).to.include({ outcome: 'imported', imported: 3, weighted: true });
    expect((await storedResponses()).map((d) => d.weight)).to.deep.equal([2.25, 3, 0.0015]);
  });

  it('takes a CSV whose weight column is empty throughout as a file without weights (blank is no weight, never 0 nor 1)', async () => {
    const report = await run('csv', [CSV_HEADER, csvLine('c1', ''), csvLine('c2', '')]);
    expect(report).to.include({ outcome: 'imported', imported: 2, weighted: false });
    const docs = await storedResponses();
    expect(docs.every((d) => !('weight' in d))).to.equal(true);
    expect(hookedWeights).to.deep.equal([undefined, undefined]);
  });

  it('refuses every value that is not a weight, naming the line, the field and why, and stores nothing', async () => {
    const refused = ['0', '-2', '"abc"', '"1,5"', '"NaN"', '"Infinity"', '1e309', '{"value":2}', '[2]', 'true', '1000001'];
    const lines = refused.map((weight, index) => envelope(`bad${index}`, weight));
    const report = await run('jsonl', lines);
    expect(report).to.include({ outcome: 'rejected', imported: 0, valid: 0 });
    expect(report.problems.map(formatLineProblem)).to.deep.equal([
      'line 1: weight: invalid_weight 0 is not above 0: a weight is a positive number (a respondent who should not count is left out of the file)',
      'line 2: weight: invalid_weight -2 is not above 0: a weight is a positive number (a respondent who should not count is left out of the file)',
      'line 3: weight: invalid_weight "abc" is not a number: a weight is a positive number, e.g. 1.25',
      'line 4: weight: invalid_weight "1,5" has a decimal comma: write it with a point (1.5); a comma could also be a thousands separator',
      'line 5: weight: invalid_weight "NaN" is not a number: a weight is a positive number, e.g. 1.25',
      'line 6: weight: invalid_weight "Infinity" is not a number: a weight is a positive number, e.g. 1.25',
      // JSON.parse reads 1e309 as Infinity, and JSON.stringify writes Infinity as null.
      'line 7: weight: invalid_weight null is not a finite number: a weight is a positive number',
      'line 8: weight: invalid_weight {"value":2} is an object: a weight is a positive number',
      'line 9: weight: invalid_weight [2] is a list: a weight is a positive number',
      'line 10: weight: invalid_weight true is a boolean: a weight is a positive number',
      'line 11: weight: invalid_weight 1000001 is above 1000000: more likely a typo than a weight',
    ]);
    expect(await storedResponses()).to.have.length(0);
  });

  it('refuses the same values in a CSV weight column, with the CSV line numbers', async () => {
    const cells = ['0', '-1', 'abc', '"1,5"', 'NaN', 'Infinity', '1e309', '2000000'];
    const report = await run('csv', [CSV_HEADER, ...cells.map((cell, index) => csvLine(`c${index}`, cell))]);
    expect(report).to.include({ outcome: 'rejected', imported: 0 });
    expect(report.problems.map((p) => `${p.line} ${p.field} ${p.code}`)).to.deep.equal(cells.map((_, index) => `${index + 2} weight invalid_weight`));
    expect(report.problems[3]!.detail).to.equal('"1,5" has a decimal comma: write it with a point (1.5); a comma could also be a thousands separator');
    expect(await storedResponses()).to.have.length(0);
  });

  it('with skipInvalid, imports the records whose weight is valid and lists the line it skipped', async () => {
    const report = await run('jsonl', [envelope('r1', '2'), envelope('r2', '-1'), envelope('r3', '0.5')], { skipInvalid: true });
    expect(report).to.include({ outcome: 'imported', imported: 2 });
    expect(report.skippedLines).to.deep.equal([2]);
    expect((await storedResponses()).map((d) => d.weight)).to.deep.equal([2, 0.5]);
  });

  it('refuses a JSON Lines file where some records have a weight and others not, whatever skipInvalid says', async () => {
    const error = await run('jsonl', [envelope('r1', '2'), envelope('r2'), envelope('r3', '0.5'), envelope('r4', 'null')], { skipInvalid: true }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImportFileError);
    expect((error as Error).message).to.equal(
      '2 of 4 records have no weight while the others have one: give every record a weight, or none (a record without one would count as 1)',
    );
    expect((error as ImportFileError).problems.map(formatLineProblem)).to.deep.equal([
      'line 2: weight: missing_weight (other records of the file have one)',
      'line 4: weight: missing_weight (other records of the file have one)',
    ]);
    expect(await storedResponses()).to.have.length(0);
  });

  it('refuses a CSV whose weight column is blank on some lines only', async () => {
    const error = await run('csv', [CSV_HEADER, csvLine('c1', '1.2'), csvLine('c2', ''), csvLine('c3', '0.8')]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImportFileError);
    expect((error as ImportFileError).problems.map(formatLineProblem)).to.deep.equal(['line 3: weight: missing_weight (other records of the file have one)']);
    expect(await storedResponses()).to.have.length(0);
  });

  it('keeps a record imported once: the same weighted file again is refused as duplicates, and skipDuplicates adds only the new record', async () => {
    await run('jsonl', [envelope('r1', '2'), envelope('r2', '0.5')]);
    const again = await run('jsonl', [envelope('r1', '2'), envelope('r2', '0.5')]);
    expect(again).to.include({ outcome: 'rejected', fresh: 0, imported: 0 });
    expect(again.duplicates.map((d) => d.key)).to.deep.equal(['external_id:r1', 'external_id:r2']);
    const more = await run('jsonl', [envelope('r1', '2'), envelope('r3', '4')], { skipDuplicates: true });
    expect(more).to.include({ outcome: 'imported', imported: 1 });
    expect((await storedResponses()).map((d) => [d.importKey, d.weight])).to.deep.equal([
      ['external_id:r1', 2],
      ['external_id:r2', 0.5],
      ['external_id:r3', 4],
    ]);
  });

  it('does not count the weight in a record\'s identity: records imported without weights, sent again with them, are duplicates', async () => {
    const unkeyed = (weight?: number) => JSON.stringify({ answers: NON_USER, ...(weight !== undefined ? { weight } : {}) });
    await run('jsonl', [unkeyed()]);
    const again = await run('jsonl', [unkeyed(3)]);
    expect(again).to.include({ outcome: 'rejected', fresh: 0 });
    expect(again.duplicates).to.have.length(1);
    const docs = await storedResponses();
    expect(docs).to.have.length(1);
    expect(docs[0]).not.to.have.property('weight');
  });
});
