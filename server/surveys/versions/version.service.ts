// The organizer's use cases for a survey's definition versions: upload one (checked by the same
// checker as boot), list them with the waves that pin them, see what a wave's version changed
// from the previous wave's, and mark a rewording as editorial (a typo) so that comparisons still
// test across it.
import { extname } from 'node:path';
import { recordAudit, type AuditActor } from '../../audit/audit.service';
import type { Clock } from '../../lib/clock';
import { AppError, NotFoundError, UnprocessableError } from '../../lib/errors';
import type { Logger } from '../../lib/logger';
import { listSurveyVersions, type SurveyVersionSummary } from '../../console/wave-overview.service';
import { WaveModel } from '../../waves/wave.model';
import { forgetWaves, listWaves, type EditorialChange, type Wave } from '../../waves/wave.service';
import { previousWaveOf } from '../../waves/wave-lineage';
import { recordSurveyVersion, type SurveyCatalog } from '../survey.catalog';
import { checkSurveyText, SURVEY_FILE_EXTENSIONS, type SurveyProblem } from '../survey.loader';
import { diffDefinitions, rewordingsOf, type DefinitionChange, type DefinitionDiff } from './definition-diff';

/** The largest definition accepted: CAP-TIC, 60 questions in two languages, is about 20 kB. */
export const MAX_DEFINITION_BYTES = 1024 * 1024;

/** A definition refused with every problem found, each with its line and path. */
export class DefinitionRefusedError extends UnprocessableError {
  constructor(readonly problems: SurveyProblem[]) {
    super(`The definition has ${problems.length} problem${problems.length === 1 ? '' : 's'}`, { problems }, 'invalid_definition');
  }
}

export class NotADefinitionError extends AppError {
  constructor(message: string) {
    super(message, 415, 'not_yaml_or_json');
  }
}

export interface StoredVersion extends SurveyVersionSummary {
  /** The waves that pin it, newest first. */
  waves: string[];
}

export interface UploadedVersion {
  fingerprint: string;
  /** False when the same definition (same fingerprint) was already recorded. */
  created: boolean;
}

export interface WaveChanges {
  wave: Wave;
  /** The wave created before this one; none for a survey's first wave. */
  previous?: Wave;
  diff: DefinitionDiff;
  /** The rewordings the organizer marked editorial, by ref. */
  editorial: Map<string, EditorialChange>;
}

function describeText(bytes: Buffer, fileName: string): string {
  const extension = extname(fileName).toLowerCase();
  if (fileName && !(SURVEY_FILE_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new NotADefinitionError(`"${fileName}" is not a YAML or JSON file: a definition ends in ${SURVEY_FILE_EXTENSIONS.join(', ')}`);
  }
  try {
    // A NUL byte or bytes that are not UTF-8: a spreadsheet, an image, a zip, not a definition.
    if (bytes.includes(0)) throw new Error('NUL byte');
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new NotADefinitionError(`"${fileName || 'the file'}" is not a text file: a definition is YAML or JSON text (UTF-8)`);
  }
}

export function createVersionService({ catalog, logger, clock }: { catalog: SurveyCatalog; logger: Logger; clock: Clock }) {
  async function requireWave(surveyId: string, waveId: string): Promise<{ wave: Wave; previous?: Wave }> {
    catalog.require(surveyId);
    const waves = await listWaves(surveyId);
    const index = waves.findIndex((w) => w.waveId === waveId);
    if (index < 0) throw new NotFoundError(`Survey "${surveyId}" has no wave "${waveId}"`, 'wave_not_found');
    const wave = waves[index] as Wave;
    const previous = previousWaveOf(wave, waves);
    return { wave, ...(previous ? { previous } : {}) };
  }

  /** The wave's pinned version against the previous wave's, with the editorial marks. */
  async function waveChanges(surveyId: string, waveId: string): Promise<WaveChanges> {
    const { wave, previous } = await requireWave(surveyId, waveId);
    const now = await catalog.forWave(wave);
    const before = previous ? await catalog.forWave(previous) : now;
    return {
      wave,
      ...(previous ? { previous } : {}),
      diff: diffDefinitions(before.definition, now.definition),
      editorial: new Map(wave.editorialChanges.map((c) => [c.ref, c])),
    };
  }

  return {
    /** Every recorded version of the survey, the newest first. */
    async listVersions(surveyId: string): Promise<StoredVersion[]> {
      const survey = catalog.require(surveyId);
      const [versions, waves] = await Promise.all([listSurveyVersions(survey), listWaves(surveyId)]);
      return versions.map((version) => ({
        ...version,
        waves: waves.filter((w) => w.fingerprint === version.fingerprint || (!w.fingerprint && version.isFile)).map((w) => w.waveId),
      }));
    },

    /**
     * Checks an uploaded definition as boot checks a file and records it as a version of the
     * survey. Refused whole, nothing stored: not YAML or JSON text (415), any problem of the
     * definition (422, every one with its line and path), or another survey's definition (422).
     */
    async uploadVersion(surveyId: string, upload: { bytes: Buffer; fileName: string }, actor: AuditActor): Promise<UploadedVersion> {
      catalog.require(surveyId);
      const text = describeText(upload.bytes, upload.fileName);
      const checked = checkSurveyText(text, upload.fileName || 'upload');
      if (!checked.ok) throw new DefinitionRefusedError(checked.problems);
      const { definition, fingerprint } = checked.survey;
      if (definition.id !== surveyId) {
        throw new UnprocessableError(`This file defines survey "${definition.id}", not "${surveyId}": upload it to its own survey, or change its id`, { fileSurveyId: definition.id, surveyId }, 'wrong_survey');
      }
      const { created } = await recordSurveyVersion(checked.survey, {
        source: 'upload',
        ...(upload.fileName ? { fileName: upload.fileName } : {}),
        ...(actor.actorEmail ? { uploadedBy: actor.actorEmail } : {}),
      });
      await recordAudit({ ...actor, action: 'version_uploaded', surveyId, target: fingerprint, details: { fingerprint, created, fileName: upload.fileName } }, logger);
      return { fingerprint, created };
    },

    waveChanges,

    /**
     * Marks a rewording of the wave's changes as editorial (`editorial` true) or a break in series
     * again (false). Only a rewording shown on the wave's changes page can be marked.
     */
    async markEditorial(surveyId: string, waveId: string, ref: string, editorial: boolean, actor: AuditActor): Promise<DefinitionChange> {
      const { wave, diff } = await waveChanges(surveyId, waveId);
      const rewording = rewordingsOf(diff).find((c) => c.ref === ref);
      if (!rewording) {
        throw new UnprocessableError(`"${ref}" is not a rewording of wave "${waveId}" against the previous wave: only a changed wording can be marked editorial`, undefined, 'not_a_rewording');
      }
      const filter = { surveyId, waveId: wave.waveId };
      const result = editorial
        ? await WaveModel.updateOne(
            { ...filter, 'editorialChanges.ref': { $ne: ref } },
            { $push: { editorialChanges: { ref, ...(actor.actorEmail ? { markedBy: actor.actorEmail } : {}), markedAt: clock.now() } } },
          )
        : await WaveModel.updateOne(filter, { $pull: { editorialChanges: { ref } } });
      forgetWaves(surveyId);
      // Marking what is already marked changes nothing, and the trail records changes.
      if (result.modifiedCount > 0) {
        await recordAudit({ ...actor, action: 'change_marked_editorial', surveyId, target: wave.waveId, details: { ref, editorial } }, logger);
      }
      return rewording;
    },
  };
}

export type VersionService = ReturnType<typeof createVersionService>;
