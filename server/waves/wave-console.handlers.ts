// The organizer's survey and wave pages, and the same use cases as a JSON API. Each handler reads
// the form or the body, calls one use case of wave-lifecycle.service.ts and renders, redirects or
// answers JSON. A refused form is drawn again with the message, the status the service chose and
// what was typed; the rules themselves (dates, overlaps, one open wave) live in the service.
import type { Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { type AppError, UnprocessableError } from '../lib/errors';
import type { AppDependencies } from '../lib/app-dependencies';
import type { MessageKey } from '../lib/i18n/index';
import { mayManageSurvey } from '../accounts/permissions';
import { auditActorOf, principalOf } from '../accounts/principal';
import { echoedText, refusalMessage } from '../accounts/refusals';
import { surveyTitle } from '../surveys/survey-titles';
import type { LoadedSurvey } from '../surveys/survey.loader';
import { doneNotice, staffPageContext } from '../console/page-context';
import { describeWaveAt, listSurveyVersions, waveOverviews, type WaveOverview } from '../console/wave-overview.service';
import { surveyConsolePath, waveConsolePath } from './console-paths';
import { localDateTime, parseLocalDateTime, surveyTimeZone } from './wave-dates';
import { createWaveLifecycle, type Schedule, type WaveSettings } from './wave-lifecycle.service';
import type { Wave } from './wave.service';
import { parseJsonBody, requireJsonBody } from '../lib/input-errors';
import { listPanelNames } from '../panels/panel.service';

/** The refusals the pages word themselves; the others show the service's message, which names the waves involved. */
const REFUSALS: Record<string, MessageKey> = {
  wave_exists: 'waves.refused_wave_exists',
  wave_closed: 'waves.refused_wave_closed',
  close_before_open: 'waves.refused_close_before_open',
  close_in_past: 'waves.refused_close_in_past',
  open_time_required: 'waves.refused_open_time_required',
  open_time_past: 'waves.refused_open_time_past',
  already_open: 'waves.refused_already_open',
  invalid_grace: 'waves.refused_invalid_grace',
  invalid_target: 'waves.refused_invalid_target',
  invalid_reminders: 'waves.refused_invalid_reminders',
  invalid_datetime: 'waves.refused_invalid_datetime',
  wave_not_open: 'waves.refused_wave_not_open',
  wave_changed: 'waves.refused_wave_changed',
  panel_required: 'invitations.refused_panel_required',
  panel_not_found: 'invitations.refused_panel_not_found',
  panel_locked: 'invitations.refused_panel_locked',
  anonymity_locked: 'invitations.refused_anonymity_locked',
};

/** After an action, the wave page says what happened (`?done=`). */
const DONE_NOTICES = {
  created: 'waves.done_created',
  schedule: 'waves.done_schedule',
  settings: 'waves.done_settings',
  version: 'waves.done_version',
  scheduled: 'waves.done_scheduled',
  opened: 'waves.done_opened',
  closed: 'waves.done_closed',
} as const satisfies Record<string, MessageKey>;
type Done = keyof typeof DONE_NOTICES;

/** The new-wave form as typed: strings only, drawn back when refused. */
interface NewWaveForm {
  waveId: string;
  labels: Record<string, string>;
  copyFrom: string;
  fingerprint: string;
}

interface ScheduleForm {
  opensAt: string;
  closesAt: string;
  graceMinutes: string;
}

interface SettingsForm {
  accessMode: string;
  targetSample: string;
  reminderDays: string;
  panelId: string;
  /** The checkbox: 'on' when ticked. */
  anonymous: string;
}

type Params = { surveyId: string; waveId: string };

function formOf(req: Request): Record<string, unknown> {
  return (req.body ?? {}) as Record<string, unknown>;
}

function readNewWaveForm(body: Record<string, unknown>, languages: readonly string[]): NewWaveForm {
  return {
    waveId: echoedText(body.waveId, 100),
    labels: Object.fromEntries(languages.map((lang) => [lang, echoedText(body[`label_${lang}`], 200)])),
    copyFrom: echoedText(body.copyFrom, 100),
    fingerprint: echoedText(body.fingerprint, 100),
  };
}

/** The labels typed, as the localized text the service takes; none when every field is empty. */
function labelOf(labels: Record<string, string>): Record<string, string> | undefined {
  const given = Object.entries(labels).filter(([, text]) => text.trim() !== '');
  return given.length > 0 ? Object.fromEntries(given) : undefined;
}

function readScheduleForm(body: Record<string, unknown>): ScheduleForm {
  return { opensAt: echoedText(body.opensAt, 40), closesAt: echoedText(body.closesAt, 40), graceMinutes: echoedText(body.graceMinutes, 20) };
}

function readSettingsForm(body: Record<string, unknown>): SettingsForm {
  return {
    accessMode: echoedText(body.accessMode, 20),
    targetSample: echoedText(body.targetSample, 20),
    reminderDays: echoedText(body.reminderDays, 200),
    panelId: echoedText(body.panelId, 100),
    anonymous: body.anonymous === 'on' ? 'on' : '',
  };
}

/** A datetime-local field read in the survey's zone: empty removes the time. */
function localTimeOf(value: string, timeZone: string, field: string): Date | null {
  if (value.trim() === '') return null;
  const instant = parseLocalDateTime(value.trim(), timeZone);
  if (!instant) throw new UnprocessableError(`${field}: "${value}" is not a date and time such as 2012-03-01T09:00`, { field }, 'invalid_datetime');
  return instant;
}

/** Numbers as typed; what is not one reaches the service as NaN, which it refuses with its own message. */
function numberOf(value: string): number {
  return value.trim() === '' ? Number.NaN : Number(value.trim());
}

function scheduleOf(form: ScheduleForm, timeZone: string): Schedule {
  return {
    opensAt: localTimeOf(form.opensAt, timeZone, 'opensAt'),
    closesAt: localTimeOf(form.closesAt, timeZone, 'closesAt'),
    ...(form.graceMinutes.trim() !== '' ? { graceMinutes: numberOf(form.graceMinutes) } : {}),
  };
}

function settingsOf(form: SettingsForm): WaveSettings {
  if (form.accessMode !== 'open' && form.accessMode !== 'panel') throw new UnprocessableError('The access mode is "open" or "panel"', undefined, 'invalid_access_mode');
  const days = form.reminderDays.split(/[\s,;]+/).filter((day) => day !== '');
  return {
    accessMode: form.accessMode,
    targetSample: form.targetSample.trim() === '' ? null : numberOf(form.targetSample),
    reminderDays: days.map(numberOf),
    panelId: form.panelId.trim() === '' ? null : form.panelId.trim(),
    anonymous: form.anonymous === 'on',
  };
}

function scheduleFormOf(wave: Wave, timeZone: string): ScheduleForm {
  return {
    opensAt: wave.opensAt ? localDateTime(wave.opensAt, timeZone) : '',
    closesAt: wave.closesAt ? localDateTime(wave.closesAt, timeZone) : '',
    graceMinutes: String(wave.graceMinutes),
  };
}

function settingsFormOf(wave: Wave): SettingsForm {
  return {
    accessMode: wave.accessMode,
    targetSample: wave.targetSample === undefined ? '' : String(wave.targetSample),
    reminderDays: wave.reminderDays.join(', '),
    panelId: wave.panelId ?? '',
    anonymous: wave.anonymous ? 'on' : '',
  };
}

// --- The API's bodies -------------------------------------------------------------------------

const ZInstant = z.iso.datetime({ offset: true }).transform((value) => new Date(value));

/** PATCH: field dates, grace period and settings, each left as it is when absent; null removes. */
const ZWavePatch = z.strictObject({
  opensAt: ZInstant.nullable().optional(),
  closesAt: ZInstant.nullable().optional(),
  graceMinutes: z.number().optional(),
  targetSample: z.number().nullable().optional(),
  accessMode: z.enum(['open', 'panel']).optional(),
  reminderDays: z.array(z.number()).optional(),
  panelId: z.string().min(1).nullable().optional(),
  anonymous: z.boolean().optional(),
  fingerprint: z.string().min(1).optional(),
});

/** A wave as the API gives it: its stored settings, its phase now and, in lists, its counts. */
function apiWave({ labelText: _label, opensText: _opens, closesText: _closes, fieldStart, fieldEnd, ...wave }: WaveOverview) {
  return { ...wave, fieldDates: { start: fieldStart ?? null, end: fieldEnd ?? null } };
}

export function createWaveConsoleHandlers({ catalog, logger, clock }: AppDependencies) {
  const lifecycle = createWaveLifecycle({ catalog, logger, clock });

  function surveyOf(req: Request): LoadedSurvey {
    return catalog.require(String(req.params.surveyId));
  }

  function mayManage(req: Request, survey: LoadedSurvey): boolean {
    return mayManageSurvey(principalOf(req).account, survey.definition.id);
  }

  async function renderSurvey(req: Request, res: Response, status: number, extra: { form?: NewWaveForm; error?: string } = {}): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const context = staffPageContext(req, surveyConsolePath(surveyId));
    const [waves, versions] = await Promise.all([waveOverviews(survey, clock.now(), context.lang), listSurveyVersions(survey)]);
    const languages = survey.definition.languages;
    res.status(status).render('waves/survey', {
      ...context,
      title: `${surveyTitle(survey.definition, context.lang)} – ${context.t('waves.survey_title')}`,
      surveyId,
      surveyName: surveyTitle(survey.definition, context.lang),
      timeZone: surveyTimeZone(survey),
      waves,
      versions,
      languages,
      mayManage: mayManage(req, survey),
      form: extra.form ?? { waveId: '', labels: Object.fromEntries(languages.map((lang) => [lang, ''])), copyFrom: waves[0]?.waveId ?? '', fingerprint: survey.fingerprint },
      action: `${surveyConsolePath(surveyId)}/waves`,
      error: extra.error,
    });
  }

  async function renderWave(
    req: Request,
    res: Response,
    status: number,
    extra: { schedule?: ScheduleForm; settings?: SettingsForm; fingerprint?: string; error?: string; notice?: string } = {},
  ): Promise<void> {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const waveId = String(req.params.waveId);
    const context = staffPageContext(req, waveConsolePath(surveyId, waveId));
    const now = clock.now();
    const [stored, versions, panels] = await Promise.all([lifecycle.requireWave(surveyId, waveId), listSurveyVersions(survey), listPanelNames(surveyId)]);
    const wave = describeWaveAt(stored, survey, now, context.lang);
    const timeZone = surveyTimeZone(survey);
    res.status(status).render('waves/show', {
      ...context,
      title: `${waveId} – ${surveyTitle(survey.definition, context.lang)}`,
      surveyId,
      waveId,
      surveyName: surveyTitle(survey.definition, context.lang),
      surveyHref: surveyConsolePath(surveyId),
      action: waveConsolePath(surveyId, waveId),
      timeZone,
      wave,
      isFileVersion: wave.fingerprint === survey.fingerprint,
      versions,
      panels,
      mayManage: mayManage(req, survey),
      schedule: extra.schedule ?? scheduleFormOf(wave, timeZone),
      // Not "settings": Express passes its own settings (the views' root among them) under that name.
      settingsForm: extra.settings ?? settingsFormOf(wave),
      fingerprint: extra.fingerprint ?? wave.fingerprint ?? survey.fingerprint,
      notice: extra.notice,
      error: extra.error,
    });
  }

  const surveyPage: RequestHandler = async (req, res) => {
    await renderSurvey(req, res, 200);
  };

  const createWave: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const form = readNewWaveForm(formOf(req), survey.definition.languages);
    const label = labelOf(form.labels);
    try {
      const wave = await lifecycle.createWave(
        survey.definition.id,
        { waveId: form.waveId, ...(label ? { label } : {}), ...(form.copyFrom ? { copyFrom: form.copyFrom } : {}), ...(form.fingerprint ? { fingerprint: form.fingerprint } : {}) },
        auditActorOf(req),
      );
      res.redirect(303, `${waveConsolePath(wave.surveyId, wave.waveId)}?done=created`);
    } catch (error) {
      const message = refusalMessage(error, staffPageContext(req, undefined).t, REFUSALS, { wave: form.waveId });
      await renderSurvey(req, res, (error as AppError).status, { form, error: message });
    }
  };

  const wavePage: RequestHandler = async (req, res) => {
    await renderWave(req, res, 200, { notice: doneNotice(req, DONE_NOTICES, staffPageContext(req, undefined).t) });
  };

  /**
   * A form or button of the wave page: the use case runs; on success back to the page with what
   * happened, on a refusal the page with the message. A wave the survey does not have is a 404:
   * drawing the page again reads the wave, and that read refuses it.
   */
  function waveAction(run: (req: Request, survey: LoadedSurvey, params: Params) => Promise<unknown>, done: Done, echo: (req: Request) => Parameters<typeof renderWave>[3] = () => ({})): RequestHandler {
    return async (req, res) => {
      const survey = surveyOf(req);
      const params = { surveyId: survey.definition.id, waveId: String(req.params.waveId) };
      try {
        await run(req, survey, params);
        res.redirect(303, `${waveConsolePath(params.surveyId, params.waveId)}?done=${done}`);
      } catch (error) {
        const message = refusalMessage(error, staffPageContext(req, undefined).t, REFUSALS, { wave: params.waveId });
        await renderWave(req, res, (error as AppError).status, { ...echo(req), error: message });
      }
    };
  }

  const saveSchedule = waveAction(
    (req, survey, { surveyId, waveId }) => lifecycle.setSchedule(surveyId, waveId, scheduleOf(readScheduleForm(formOf(req)), surveyTimeZone(survey)), auditActorOf(req)),
    'schedule',
    (req) => ({ schedule: readScheduleForm(formOf(req)) }),
  );
  const saveSettings = waveAction(
    (req, _survey, { surveyId, waveId }) => lifecycle.setSettings(surveyId, waveId, settingsOf(readSettingsForm(formOf(req))), auditActorOf(req)),
    'settings',
    (req) => ({ settings: readSettingsForm(formOf(req)) }),
  );
  const pinVersion = waveAction(
    (req, _survey, { surveyId, waveId }) => lifecycle.pinVersion(surveyId, waveId, echoedText(formOf(req).fingerprint, 100), auditActorOf(req)),
    'version',
    (req) => ({ fingerprint: echoedText(formOf(req).fingerprint, 100) }),
  );
  const scheduleWave = waveAction((req, _survey, { surveyId, waveId }) => lifecycle.scheduleWave(surveyId, waveId, auditActorOf(req)), 'scheduled');
  const openWave = waveAction((req, _survey, { surveyId, waveId }) => lifecycle.openWave(surveyId, waveId, auditActorOf(req)), 'opened');
  const closeWave = waveAction((req, _survey, { surveyId, waveId }) => lifecycle.closeWave(surveyId, waveId, auditActorOf(req)), 'closed');

  // --- API ---

  async function waveJson(survey: LoadedSurvey, wave: Wave) {
    return apiWave(describeWaveAt(wave, survey, clock.now(), 'en'));
  }

  const listJson: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const waves = await waveOverviews(survey, clock.now(), 'en');
    res.json({ surveyId: survey.definition.id, timeZone: surveyTimeZone(survey), waves: waves.map(apiWave) });
  };

  const showJson: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    res.json(await waveJson(survey, await lifecycle.requireWave(survey.definition.id, String(req.params.waveId))));
  };

  const createJson: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    requireJsonBody(req);
    const wave = await lifecycle.createWave(survey.definition.id, req.body, auditActorOf(req));
    res.status(201).location(`/api/v1/surveys/${encodeURIComponent(wave.surveyId)}/waves/${encodeURIComponent(wave.waveId)}`).json(await waveJson(survey, wave));
  };

  const patchJson: RequestHandler = async (req, res) => {
    const survey = surveyOf(req);
    const surveyId = survey.definition.id;
    const waveId = String(req.params.waveId);
    const { opensAt, closesAt, graceMinutes, targetSample, accessMode, reminderDays, panelId, anonymous, fingerprint } = parseJsonBody(req, ZWavePatch, 'invalid_wave');
    const actor = auditActorOf(req);
    // Every part is checked before any is written: a refused part changes nothing.
    const wave = await lifecycle.changeWave(
      surveyId,
      waveId,
      {
        ...(fingerprint !== undefined ? { fingerprint } : {}),
        schedule: { ...(opensAt !== undefined ? { opensAt } : {}), ...(closesAt !== undefined ? { closesAt } : {}), ...(graceMinutes !== undefined ? { graceMinutes } : {}) },
        settings: {
          ...(targetSample !== undefined ? { targetSample } : {}),
          ...(accessMode ? { accessMode } : {}),
          ...(reminderDays ? { reminderDays } : {}),
          ...(panelId !== undefined ? { panelId } : {}),
          ...(anonymous !== undefined ? { anonymous } : {}),
        },
      },
      actor,
    );
    res.json(await waveJson(survey, wave));
  };

  function actionJson(run: (surveyId: string, waveId: string, req: Request) => Promise<Wave>): RequestHandler {
    return async (req, res) => {
      const survey = surveyOf(req);
      res.json(await waveJson(survey, await run(survey.definition.id, String(req.params.waveId), req)));
    };
  }

  const scheduleJson = actionJson((surveyId, waveId, req) => lifecycle.scheduleWave(surveyId, waveId, auditActorOf(req)));
  const openJson = actionJson((surveyId, waveId, req) => lifecycle.openWave(surveyId, waveId, auditActorOf(req)));
  const closeJson = actionJson((surveyId, waveId, req) => lifecycle.closeWave(surveyId, waveId, auditActorOf(req)));

  return {
    pages: { surveyPage, createWave, wavePage, saveSchedule, saveSettings, pinVersion, scheduleWave, openWave, closeWave },
    api: { listJson, showJson, createJson, patchJson, scheduleJson, openJson, closeJson },
  };
}
