// The report's wave-over-wave changes of boxes and means (ratings, NPS, matrix rows, numbers),
// beside the options' changes (versions.messages.ts): a share's change is judged by the z-test,
// a mean's by Welch's t-test, and the star says which.
export const REPORT_CHANGE_MESSAGES = {
  'report.change_since': { fr: 'évolution depuis {wave}', en: 'change since {wave}' },
  'report.mean_change': { fr: 'Moyenne, évolution', en: 'Mean, change' },
  'report.top2_change': { fr: 'Top 2, évolution', en: 'Top 2 box, change' },
  'report.mean_change_significant': {
    fr: 'significatif au seuil de 5 % (test t de Welch)',
    en: 'significant at 5% (Welch’s t-test)',
  },
  'report.changes_tests_note': {
    fr: 'Pourcentages comparés par le test z, moyennes par le test t de Welch.',
    en: 'Percentages compared by the z-test, means by Welch’s t-test.',
  },
} as const satisfies Record<string, Record<'fr' | 'en', string>>;
