// The dashboard page's own strings that its handler words (title, notices).
export const DASHBOARD_PAGE_MESSAGES = {
  'dashboard.title': { fr: 'Tableau de bord', en: 'Dashboard' },
  'dashboard.weighting_not_set_notice': {
    fr: 'Cette vague n’a pas de pondération : les chiffres ci-dessous ne sont pas pondérés.',
    en: 'This wave has no weighting: the figures below are unweighted.',
  },
} as const;
