// The open answers page: the "other (specify)" texts and comments of a wave, searchable, a page at
// a time, each with the respondent's segment, for the dashboard's settings (its filter narrows the
// respondents). The page reads its settings from the URL, asks the open-answers service for one
// page, and renders; answers are the respondents' text and are only ever escaped into the page.
import type { Request, RequestHandler } from 'express';
import type { AppDependencies } from '../lib/app-dependencies';
import { ValidationError } from '../lib/errors';
import { negotiateLanguage, translator } from '../lib/i18n/index';
import { checkBy, checkFilter } from '../analysis/figures/figures.service';
import type { TFiguresQuery } from '../analysis/figures/figures.schemas';
import { localize } from '../surveys/localize';
import type { TLocalizedText, TSurveyDefinition } from '../surveys/survey.schemas';
import { findQuestion } from '../surveys/visibility';
import { surveyTitle } from '../surveys/survey-titles';
import { formatInZone, surveyTimeZone } from '../waves/wave-dates';
import { changedQuery, dashboardSearch, parseDashboardQuery } from './dashboard-query';
import { createDashboardViews, dashboardPath } from './dashboard-view.service';
import { cursorText, listOpenAnswers, MAX_SEARCH_LENGTH, openFieldsOf, parseCursor, type OpenField, type PageCursor } from './open-answers.service';

const PAGE_PARAMETERS = ['q', 'question', 'page'] as const;

function optionalText(req: Request, name: string): string | undefined {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw new ValidationError(`${name}: give it once`, undefined, 'invalid_query');
  return raw;
}

/** The segment each answer is shown with: the view's `by`, else the survey's first segment. */
function segmentQuestionOf(definition: TSurveyDefinition, query: TFiguresQuery) {
  const id = query.by ?? definition.segments?.[0];
  if (id === undefined) return undefined;
  return checkBy(definition, id);
}

export function createOpenAnswersHandlers(deps: AppDependencies): { page: RequestHandler } {
  const views = createDashboardViews(deps);

  const page: RequestHandler = async (req, res) => {
    const { query, canonicalSearch } = parseDashboardQuery(req, PAGE_PARAMETERS);
    if (canonicalSearch !== undefined) {
      res.redirect(303, `${req.path}${canonicalSearch}`);
      return;
    }
    const { survey, wave, definition } = await views.resolveSurveyWave(String(req.params.surveyId), String(req.params.wave));
    const lang = query.lang ?? negotiateLanguage(req);
    const t = translator(lang);
    const fallback = definition.languages[0];
    const label = (text: TLocalizedText) => localize(text, lang, fallback);

    if (query.filter) checkFilter(definition, query.filter);
    const segmentQuestion = segmentQuestionOf(definition, query);
    const search = optionalText(req, 'q')?.trim() ?? '';
    if (search.length > MAX_SEARCH_LENGTH) throw new ValidationError(`q: at most ${MAX_SEARCH_LENGTH} characters`, undefined, 'invalid_query');
    const fields = openFieldsOf(definition);
    const questionId = optionalText(req, 'question') || undefined;
    if (questionId !== undefined && !fields.some((field) => field.questionId === questionId)) {
      throw new ValidationError(`question: "${questionId}" has no open answers in ${definition.id}`, undefined, 'invalid_question');
    }
    const pageText = optionalText(req, 'page');
    const cursor = pageText ? parseCursor(pageText) : undefined;

    const surveyId = survey.definition.id;
    const result = await listOpenAnswers({
      surveyId,
      waveId: wave.waveId,
      definition,
      ...(query.filter ? { filter: query.filter } : {}),
      ...(search ? { search } : {}),
      ...(questionId ? { questionId } : {}),
      ...(segmentQuestion ? { segmentQuestionId: segmentQuestion.id } : {}),
      ...(cursor ? { cursor } : {}),
    });

    const here = `${dashboardPath(surveyId, wave.waveId)}/open-answers`;
    const withLang = { ...query, lang };
    const pageHref = (to: PageCursor | null) => `${here}${dashboardSearch(withLang, { q: search, question: questionId ?? '', page: to ? cursorText(to) : '' })}`;
    const fieldLabel = (field: OpenField) => {
      const question = label(field.question.text);
      const option = field.optionId && 'options' in field.question ? field.question.options?.find((o) => o.id === field.optionId) : undefined;
      return option ? t('dashboard.open_other_of', { question, option: label(option.label) }) : question;
    };
    const segmentLabel = (optionId: string | undefined) => {
      if (optionId === undefined) return t('dashboard.open_no_segment');
      const option = segmentQuestion?.options.find((o) => o.id === optionId);
      return option ? label(option.label) : optionId;
    };
    const filterText = Object.entries(query.filter ?? {})
      .map(([id, values]) => {
        const question = findQuestion(definition, id);
        const options = question && 'options' in question ? question.options : undefined;
        const names = values.map((value) => {
          const option = options?.find((o) => o.id === value);
          return option ? label(option.label) : value;
        });
        return t('dashboard.open_filter_part', { question: question ? label(question.text) : id, options: names.join(', ') });
      })
      .join('; ');
    const timeZone = surveyTimeZone(survey);
    // The settings the search form carries along, in the order the canonical address writes them.
    const settings = new URLSearchParams(dashboardSearch(withLang));

    res.render('dashboard/open-answers', {
      lang,
      t,
      title: `${t('dashboard.open_title')} – ${surveyTitle(survey.definition, lang)} – ${wave.waveId}`,
      heading: t('dashboard.open_heading', { survey: surveyTitle(survey.definition, lang), wave: wave.waveId }),
      dashboardHref: `${dashboardPath(surveyId, wave.waveId)}${dashboardSearch(withLang)}`,
      action: here,
      carriedSettings: [...settings.entries()].map(([name, value]) => ({ name, value })),
      search,
      maxSearchLength: MAX_SEARCH_LENGTH,
      questionId: questionId ?? '',
      questions: [...new Map(fields.map((field) => [field.questionId, fieldLabel(field)]))].map(([id, text]) => ({ id, text })),
      clearHref: search || questionId ? `${here}${dashboardSearch(withLang)}` : undefined,
      filterText: filterText || undefined,
      segmentHeading: segmentQuestion ? t('dashboard.open_col_segment', { question: label(segmentQuestion.text) }) : undefined,
      rows: result.answers.map((answer) => ({
        responseId: answer.responseId,
        questionId: answer.field.questionId,
        question: fieldLabel(answer.field),
        text: answer.text,
        segment: segmentQuestion ? segmentLabel(answer.segment) : undefined,
        segmentId: answer.segment ?? '',
        completed: formatInZone(answer.completedAt, timeZone, lang),
      })),
      total: result.total,
      from: result.offset + 1,
      to: result.offset + result.answers.length,
      olderHref: result.older ? pageHref(result.older) : undefined,
      newerHref: result.newer !== undefined ? pageHref(result.newer) : undefined,
      // A page past the last (its answers were removed, or a hand-made address) offers the first page.
      firstHref: cursor && result.answers.length === 0 ? pageHref(null) : undefined,
      searched: Boolean(search || questionId || query.filter),
      switchLanguageHref: `${here}${dashboardSearch(changedQuery(query, { lang: lang === 'fr' ? 'en' : 'fr' }), { q: search, question: questionId ?? '', page: pageText ?? '' })}`,
    });
  };

  return { page };
}
