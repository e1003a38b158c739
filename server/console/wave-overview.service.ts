// What the console shows of a survey's waves: each wave as it stands at the clock's moment (its
// phase, not only the organizer's status), its field dates in the survey's time zone, and its
// counts; and the definition versions a new wave may pin. Read fresh on every page: organizers
// act on what they see, so it must not lag behind the wave cache.
import type { InterfaceLanguage } from '../lib/i18n/index';
import { countResponsesByWave, type WaveResponseCounts } from '../responses/response.service';
import { localize } from '../surveys/localize';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { SurveyVersionModel } from '../surveys/survey-version.model';
import type { TLocalizedText } from '../surveys/survey.schemas';
import { fieldDatesOf, formatInZone, surveyTimeZone } from '../waves/wave-dates';
import { phaseOf, type WavePhase } from '../waves/wave-phase';
import { listWaves, type Wave } from '../waves/wave.service';

export interface WaveOverview extends Wave {
  phase: WavePhase;
  /** The label in the reader's language, when the wave has one. */
  labelText?: string;
  /** Open and close times as people read them, in the survey's zone, with the zone named. */
  opensText?: string;
  closesText?: string;
  /** The first and last days of fieldwork in the survey's zone (YYYY-MM-DD). */
  fieldStart?: string;
  fieldEnd?: string;
  counts: WaveResponseCounts;
}

export interface SurveyVersionSummary {
  fingerprint: string;
  source?: string;
  fileName?: string;
  uploadedBy?: string;
  firstSeenAt: Date;
  /** The version of the survey's file in SURVEYS_DIR, which a new wave pins unless told otherwise. */
  isFile: boolean;
}

const NO_COUNTS: WaveResponseCounts = { complete: 0, partial: 0, screened_out: 0, voided: 0 };

export function describeWaveAt(wave: Wave, survey: LoadedSurvey, now: Date, lang: InterfaceLanguage, counts: WaveResponseCounts = NO_COUNTS): WaveOverview {
  const timeZone = surveyTimeZone(survey);
  const { start, end } = fieldDatesOf(wave, timeZone);
  return {
    ...wave,
    phase: phaseOf(wave, now),
    ...(wave.label !== undefined ? { labelText: localize(wave.label as TLocalizedText, lang, survey.definition.languages[0]) } : {}),
    ...(wave.opensAt ? { opensText: formatInZone(wave.opensAt, timeZone, lang) } : {}),
    ...(wave.closesAt ? { closesText: formatInZone(wave.closesAt, timeZone, lang) } : {}),
    ...(start ? { fieldStart: start } : {}),
    ...(end ? { fieldEnd: end } : {}),
    counts,
  };
}

/** Every wave of the survey, the newest first, as it stands at `now`. */
export async function waveOverviews(survey: LoadedSurvey, now: Date, lang: InterfaceLanguage): Promise<WaveOverview[]> {
  const surveyId = survey.definition.id;
  const [waves, counts] = await Promise.all([listWaves(surveyId), countResponsesByWave(surveyId)]);
  return waves.map((wave) => describeWaveAt(wave, survey, now, lang, counts.get(wave.waveId)));
}

/** The recorded definition versions of the survey, the newest first. */
export async function listSurveyVersions(survey: LoadedSurvey): Promise<SurveyVersionSummary[]> {
  const stored = await SurveyVersionModel.find({ surveyId: survey.definition.id }, { _id: 0, fingerprint: 1, source: 1, fileName: 1, uploadedBy: 1, firstSeenAt: 1 })
    .sort({ firstSeenAt: -1 })
    .lean<Array<Omit<SurveyVersionSummary, 'isFile'>>>();
  return stored.map((version) => ({ ...version, isFile: version.fingerprint === survey.fingerprint }));
}
