// The wave pages' strings.
export const WAVES_MESSAGES = {
  'waves.nav_label': { fr: 'Pages de la vague', en: 'Wave pages' },
  'waves.nav_wave': { fr: 'Vague', en: 'Wave' },
  'waves.nav_progress': { fr: 'Terrain et quotas', en: 'Fieldwork and quotas' },
  'waves.nav_responses': { fr: 'Réponses et test', en: 'Responses and testing' },
  'waves.nav_changes': { fr: 'Questionnaire et changements', en: 'Questionnaire and changes' },
} as const;
