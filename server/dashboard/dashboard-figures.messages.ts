// The dashboard's figures: table headers, notes and chart texts (the view model, question-view.ts and
// activity.service.ts). Words the published report already has (count, %, 95 % CI, mean, base
// policies, the multi-answer note) are its `report.*` keys, reused. French typography: a no-break
// space (U+00A0) before ":" and a narrow one (U+202F) before "%", as formatPercent writes it.
export const DASHBOARD_FIGURES_MESSAGES = {
  'dashboard.figures.total': { fr: 'Total', en: 'Total' },
  'dashboard.figures.segment_column': { fr: '{label} ({letter})', en: '{label} ({letter})' },
  'dashboard.figures.weighted_count': { fr: 'Effectif pondéré', en: 'Weighted count' },
  'dashboard.figures.share_of_mentions': { fr: 'Part des citations', en: 'Share of mentions' },
  'dashboard.figures.wave_series': { fr: 'Vague {wave}', en: 'Wave {wave}' },
  'dashboard.figures.previous_percent': { fr: 'Vague {wave} (%)', en: 'Wave {wave} (%)' },
  'dashboard.figures.change': { fr: 'Évolution (points)', en: 'Change (points)' },
  'dashboard.figures.points': { fr: '{value}\u00a0pt', en: '{value} pts' },
  'dashboard.figures.series_break': {
    fr: 'Formulation modifiée depuis la vague {wave} ({items})\u00a0: pas de comparaison.',
    en: 'Wording changed since wave {wave} ({items}): not compared.',
  },
  'dashboard.figures.series_break_question': { fr: 'la question', en: 'the question' },
  'dashboard.figures.change_marker_label': {
    fr: 'Évolution significative au seuil de 5\u202F% (test z)',
    en: 'Significant change at the 5% level (z-test)',
  },
  'dashboard.figures.low_base_columns': { fr: 'Base faible (moins de {n})\u00a0: {columns}.', en: 'Low base (under {n}): {columns}.' },
  'dashboard.figures.not_for_publication_columns': {
    fr: 'Non publiable (base trop faible), pour les analystes seulement\u00a0: {columns}.',
    en: 'Not for publication (base too small), for analysts only: {columns}.',
  },
  'dashboard.figures.base_note': { fr: 'Base\u00a0: {n} {policy}.', en: 'Base: {n} {policy}.' },
  'dashboard.figures.weighted_note': {
    fr: 'Pondéré ({method})\u00a0: base effective {effective}.',
    en: 'Weighted ({method}): effective base {effective}.',
  },
  'dashboard.figures.unweighted_note': { fr: 'Non pondéré.', en: 'Unweighted.' },
  'dashboard.figures.dont_know_chart_base': {
    fr: 'Graphique\u00a0: part de ceux qui ont répondu, «\u00a0ne sais pas\u00a0» compris\u00a0; tableau\u00a0: «\u00a0ne sais pas\u00a0» hors base.',
    en: 'Chart: share of those who answered, “don’t know” included; table: “don’t know” left out of the base.',
  },
  'dashboard.figures.top2': { fr: 'Top 2 (deux meilleures notes)', en: 'Top-2 box' },
  'dashboard.figures.top2_mean': { fr: 'Top 2 {top2} · moyenne {mean}', en: 'Top-2 {top2} · mean {mean}' },
  'dashboard.figures.labelled': { fr: '{label}\u00a0: {text}', en: '{label}: {text}' },
  'dashboard.figures.sd': { fr: 'Écart type', en: 'Standard deviation' },
  'dashboard.figures.median': { fr: 'Médiane', en: 'Median' },
  'dashboard.figures.q1': { fr: 'Premier quartile', en: 'First quartile' },
  'dashboard.figures.q3': { fr: 'Troisième quartile', en: 'Third quartile' },
  'dashboard.figures.figure': { fr: 'Indicateur', en: 'Figure' },
  'dashboard.figures.value': { fr: 'Valeur', en: 'Value' },
  'dashboard.figures.bin_row': { fr: 'Ont répondu {range}', en: 'Answered {range}' },
  'dashboard.figures.histogram_ranges': {
    fr: 'Chaque tranche comprend sa borne inférieure, la dernière ses deux bornes.',
    en: 'Each range includes its lower bound; the last one both bounds.',
  },
  'dashboard.figures.no_histogram_range': {
    fr: 'Pas d’histogramme en direct\u00a0: la question n’a pas de minimum et de maximum pour fixer ses tranches. Une vue filtrée ou pondérée, recalculée sur les réponses, en a un.',
    en: 'No live histogram: the question has no minimum and maximum to set its ranges. A filtered or weighted view, recomputed from the responses, has one.',
  },
  'dashboard.figures.no_histogram_rebuild': {
    fr: 'Pas encore d’histogramme\u00a0: les compteurs en direct datent d’avant les histogrammes (npm run tallies:rebuild les complète).',
    en: 'No histogram yet: the live counters predate histograms (npm run tallies:rebuild adds them).',
  },
  'dashboard.figures.mean_rank': { fr: 'Rang moyen', en: 'Mean rank' },
  'dashboard.figures.ranked_by': { fr: 'Classé par', en: 'Ranked by' },
  'dashboard.figures.rank_note': {
    fr: 'Rang 1 = premier choix\u00a0: plus le rang moyen est bas, plus l’élément est préféré.',
    en: 'Rank 1 = first choice: the lower the mean rank, the more preferred.',
  },
  'dashboard.figures.promoters': { fr: 'Promoteurs (9-10)', en: 'Promoters (9-10)' },
  'dashboard.figures.passives': { fr: 'Passifs (7-8)', en: 'Passives (7-8)' },
  'dashboard.figures.detractors': { fr: 'Détracteurs (0-6)', en: 'Detractors (0-6)' },
  'dashboard.figures.nps_score': { fr: 'Score NPS', en: 'NPS score' },
  'dashboard.figures.nps_annotation': { fr: 'NPS {score}', en: 'NPS {score}' },
  'dashboard.figures.answers': { fr: 'Réponses', en: 'Answers' },
  'dashboard.figures.completes': { fr: 'Complètes', en: 'Completes' },
  'dashboard.figures.completes_per_day': { fr: 'Réponses complètes par jour', en: 'Complete responses per day' },
  'dashboard.figures.today': { fr: 'Aujourd’hui\u00a0: {n}', en: 'Today: {n}' },
} as const;
