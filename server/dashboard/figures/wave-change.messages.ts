// The dashboard's wave-over-wave changes of boxes and means (ratings, matrix rows, numbers).
export const WAVE_CHANGE_MESSAGES = {
  'dashboard.figures.change_since': { fr: 'Évolution depuis {wave}', en: 'Change since {wave}' },
  'dashboard.figures.top2_change': { fr: 'Top-2, évolution depuis {wave} (points)', en: 'Top-2 change since {wave} (points)' },
  'dashboard.figures.mean_change': { fr: 'Moyenne, évolution depuis {wave}', en: 'Mean change since {wave}' },
  'dashboard.figures.mean_change_marker_label': {
    fr: 'Évolution significative au seuil de 5\u202F% (test t de Welch)',
    en: 'Significant change at the 5% level (Welch’s t-test)',
  },
} as const;
