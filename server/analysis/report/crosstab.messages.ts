// How a crosstab's tests read, under every crosstab of the report and of the dashboard, in French
// and English: the column letters' test, base, adjustment and levels, and the test of independence.
export const CROSSTAB_MESSAGES = {
  'crosstab.legend_letters': {
    fr: 'Lettres\u00a0: le pourcentage de la colonne est significativement plus élevé que celui de la colonne désignée (test z de comparaison de proportions entre colonnes, {base}\u00a0; {adjustment}). Majuscule\u00a0: p < 0,01\u00a0; minuscule\u00a0: p < 0,05.',
    en: 'Letters: the column’s percentage is significantly higher than that of the column named (z-test of column proportions, {base}; {adjustment}). Upper case: p < 0.01; lower case: p < 0.05.',
  },
  'crosstab.marker_label': {
    fr: 'Significativement plus élevé que dans la colonne {letters} (majuscule : p < 0,01 ; minuscule : p < 0,05 ; voir la légende)',
    en: 'Significantly higher than in the columns lettered {letters} (upper-case letter: p < 0.01; lower case: p < 0.05; see the legend)',
  },
  'crosstab.base_respondents': { fr: 'sur les répondants de chaque colonne', en: 'on each column’s respondents' },
  'crosstab.base_effective': {
    fr: 'sur la base effective de chaque colonne (Kish), qui tient compte de la pondération',
    en: 'on each column’s effective base (Kish), which allows for the weighting',
  },
  'crosstab.adjust_bh': {
    fr: 'p ajustés pour les comparaisons multiples par Benjamini-Hochberg sur l’ensemble du tableau (taux de fausses découvertes), par défaut',
    en: 'p-values adjusted for multiple comparisons by Benjamini-Hochberg over the whole table (false discovery rate), the default',
  },
  'crosstab.adjust_bonferroni': {
    fr: 'p ajustés pour les comparaisons multiples par Bonferroni sur les paires de colonnes de chaque ligne',
    en: 'p-values adjusted for multiple comparisons by Bonferroni over the pairs of columns of each row',
  },
  'crosstab.adjust_none': { fr: 'p non ajustés pour les comparaisons multiples', en: 'p-values not adjusted for multiple comparisons' },
  'crosstab.legend_withheld': {
    fr: 'Les colonnes dont la base est trop faible pour publier ne sont ni testées ni comparées\u00a0: {columns}.',
    en: 'Columns whose base is too small to publish are neither tested nor compared with: {columns}.',
  },
  'crosstab.chi_square': { fr: 'Test du khi-deux d’indépendance\u00a0: p = {p}{verdict}.', en: 'Chi-square test of independence: p = {p}{verdict}.' },
  'crosstab.rao_scott': {
    fr: 'Khi-deux d’indépendance corrigé du plan de sondage (Rao-Scott, F) : p = {p}{verdict}.',
    en: 'Chi-square test of independence corrected for the design (Rao-Scott, F): p = {p}{verdict}.',
  },
  'crosstab.no_design_test': {
    fr: 'Pas de test d’indépendance : le test corrigé du plan de sondage ne peut pas être calculé sur ce tableau (cases vides) ; aucune différence significative n’est affirmée.',
    en: 'No test of independence: the design-corrected test cannot be computed on this table (empty cells); no significant difference is claimed.',
  },
  'crosstab.fisher': {
    fr: 'Test exact de Fisher (tableau trop creux pour le khi-deux)\u00a0: p = {p}{verdict}.',
    en: 'Fisher’s exact test (table too sparse for the chi-square): p = {p}{verdict}.',
  },
  'crosstab.sparse': {
    fr: 'Pas de test d’indépendance\u00a0: {below} cases sur {cells} attendent moins de 5 répondants (règle de Cochran)\u00a0; le tableau est trop creux pour conclure à une différence significative.',
    en: 'No test of independence: {below} of {cells} cells expect fewer than 5 respondents (Cochran’s rule); the table is too sparse to claim a significant difference.',
  },
  'crosstab.significant': { fr: ' — différence significative au seuil de 5\u00a0%', en: ' — significant difference at the 5% level' },
  'crosstab.not_significant': { fr: ' — pas de différence significative au seuil de 5\u00a0%', en: ' — no significant difference at the 5% level' },
} as const;
