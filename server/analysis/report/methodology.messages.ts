// The report's methodology box and publication rules (intervals, rounding), in French and English.
// The AAPOR and British Polling Council disclosure items: who, when, how, on whom, how many, how
// weighted, and the exact wording and base behind each published figure.
export const METHODOLOGY_MESSAGES = {
  'publication.interval_margin': { fr: 'Intervalle à 95 % (marge d’erreur)', en: '95% interval (margin of error)' },
  'publication.interval_credibility': { fr: 'Intervalle de crédibilité à 95 %', en: '95% credibility interval' },
  'publication.rounding_note': {
    fr: 'Le total peut ne pas faire 100 % en raison des arrondis.',
    en: 'Figures may not add to 100 because of rounding.',
  },
  'publication.note_margin': {
    fr: '± {moe} points au plus (niveau de confiance de 95 %, pour un pourcentage de 50 % sur l’ensemble de l’échantillon). Les tableaux donnent l’intervalle à 95 % de chaque pourcentage.',
    en: '± {moe} points at most (95% confidence, for a 50% share of the whole sample). The tables give each percentage’s 95% interval.',
  },
  'publication.note_margin_no_tables': {
    fr: '± {moe} points au plus (niveau de confiance de 95 %, pour un pourcentage de 50 % sur l’ensemble de l’échantillon).',
    en: '± {moe} points at most (95% confidence, for a 50% share of the whole sample).',
  },
  'publication.note_credibility': {
    fr: 'Échantillon non probabiliste (participation volontaire) : conformément au code de l’AAPOR, aucune marge d’erreur d’échantillonnage n’est indiquée, car elle ne s’applique pas à ce type d’échantillon. Les intervalles des tableaux sont des intervalles de crédibilité : calculés comme si les répondants (pondérés s’il y a lieu) formaient un échantillon aléatoire de la population, ils ne mesurent la précision que sous cette hypothèse, que les données ne permettent pas de vérifier.',
    en: 'Non-probability (opt-in) sample: following the AAPOR code, no margin of sampling error is reported, because it does not apply to such samples. The intervals in the tables are credibility intervals: computed as if the respondents (weighted where stated) were a random sample of the population, they measure precision only under that assumption, which the data cannot confirm.',
  },
  'publication.note_opt_in_hidden': {
    fr: 'Échantillon non probabiliste (participation volontaire) : conformément au code de l’AAPOR, aucune marge d’erreur d’échantillonnage n’est indiquée, car elle ne s’applique pas à ce type d’échantillon.',
    en: 'Non-probability (opt-in) sample: following the AAPOR code, no margin of sampling error is reported, because it does not apply to such samples.',
  },
  'publication.note_census': {
    fr: 'Recensement : toute la population a été interrogée, les chiffres ne comportent donc pas d’erreur d’échantillonnage et aucun intervalle n’est indiqué.',
    en: 'Census: the whole population was asked, so the figures carry no sampling error and no interval is shown.',
  },
  'publication.interval_method_unweighted': {
    fr: 'Intervalles de Wilson.',
    en: 'Wilson score intervals.',
  },
  'publication.interval_method_weighted': {
    fr: 'Intervalles de Korn-Graubard sur la base effective, erreurs types linéarisées sur le plan de sondage.',
    en: 'Korn-Graubard intervals on the effective base, standard errors linearized on the design.',
  },

  'methodology.sampling': { fr: 'Échantillonnage', en: 'Sampling' },
  'methodology.sampling_opt_in': { fr: 'Non probabiliste : participation volontaire', en: 'Non-probability: opt-in participation' },
  'methodology.sampling_probability': { fr: 'Probabiliste (tirage aléatoire)', en: 'Probability (random) sample' },
  'methodology.sampling_census': { fr: 'Recensement de la population', en: 'Census of the population' },
  'methodology.intervals': { fr: 'Erreur d’échantillonnage', en: 'Sampling error' },
  'methodology.wave_size': { fr: 'Vague {wave} : {n} répondants', en: 'Wave {wave}: {n} respondents' },
  'methodology.weighting_on': { fr: '{method} sur les cibles suivantes (part de la population) :', en: '{method} on these targets (share of the population):' },
  'methodology.weighting_efficiency': {
    fr: 'Efficacité de la pondération {efficiency} (base effective {neff} sur {n}, effet de plan {deff}) ; poids de {min} à {max} (moyenne 1).',
    en: 'Weighting efficiency {efficiency} (effective base {neff} of {n}, design effect {deff}); weights from {min} to {max} (mean 1).',
  },
  'methodology.weighting_efficiency_factors': {
    fr: 'Efficacité de la pondération {efficiency} (base effective {neff} sur {n}, effet de plan {deff}) ; facteurs de calage de {min} à {max} (moyenne 1), appliqués aux poids de sondage.',
    en: 'Weighting efficiency {efficiency} (effective base {neff} of {n}, design effect {deff}); calibration factors from {min} to {max} (mean 1), applied to the design weights.',
  },
  'methodology.design_weighting_efficiency': {
    fr: 'Efficacité des poids de sondage {efficiency} (base effective {neff} sur {n}, effet de plan {deff}).',
    en: 'Efficiency of the design weights {efficiency} (effective base {neff} of {n}, design effect {deff}).',
  },
  'report.method_design': { fr: 'Poids de sondage seuls, sans calage', en: 'Design weights alone, no calibration' },
  'methodology.design_weights': {
    fr: 'Les répondants portent des poids de sondage (l’inverse de leur probabilité de sélection) : les chiffres pondérés partent de ces poids.',
    en: 'Respondents carry design weights (the inverse of their probability of selection): weighted figures start from them.',
  },
  'methodology.unweighted_view': {
    fr: 'Aucune : résultats bruts (une pondération existe pour cette vague, voir la version pondérée).',
    en: 'None: unweighted results (this wave has a weighting: see the weighted version).',
  },
  'methodology.figure_sources': { fr: 'Questions à l’origine des chiffres publiés', en: 'Questions behind the published figures' },
  'methodology.figure_source': { fr: '« {question} »', en: '“{question}”' },
  'methodology.figure_base': { fr: 'base : {n}, {policy}', en: 'base: {n}, {policy}' },
  'methodology.figure_whole_sample': { fr: 'ensemble des répondants (n = {n})', en: 'all respondents (n = {n})' },
} as const satisfies Record<string, Record<'fr' | 'en', string>>;
