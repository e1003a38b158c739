// Interface strings for the progress indicator and the notices of a question page, and for the
// page's own rules: an "other" text typed without ticking "Other", and a matrix's empty rows.
// French typography: a no-break space (\u00a0) before : ; ! ? and inside « ».
export const TAKE_PROGRESS_MESSAGES = {
  'take_progress.label': { fr: 'Progression\u00a0: {percent}\u00a0%', en: 'Progress: {percent}%' },
  'take_progress.other_ticked': {
    fr: 'Nous avons coché «\u00a0{option}\u00a0» pour «\u00a0{question}\u00a0», car vous avez écrit «\u00a0{text}\u00a0».',
    en: 'We ticked “{option}” for “{question}” because you typed “{text}”.',
  },
  'take_progress.other_conflict': {
    fr: 'Vous avez choisi «\u00a0{option}\u00a0» et écrit un texte pour «\u00a0{other}\u00a0»\u00a0: choisissez «\u00a0{other}\u00a0» pour garder votre texte, ou effacez-le.',
    en: 'You chose “{option}” and typed a text for “{other}”: choose “{other}” to keep your text, or clear it.',
  },
  'take_progress.other_exclusive': {
    fr: 'Vous avez coché «\u00a0{option}\u00a0», qui exclut toute autre réponse, et écrit un texte pour «\u00a0{other}\u00a0»\u00a0: décochez «\u00a0{option}\u00a0» et cochez «\u00a0{other}\u00a0» pour garder votre texte, ou effacez-le.',
    en: 'You ticked “{option}”, which goes with no other answer, and typed a text for “{other}”: untick “{option}” and tick “{other}” to keep your text, or clear it.',
  },
  'take_progress.other_too_many': {
    fr: 'Vous avez écrit un texte pour «\u00a0{other}\u00a0», mais le cocher aussi ferait plus de {max}\u00a0choix\u00a0: décochez un autre choix pour garder votre texte, ou effacez-le.',
    en: 'You typed a text for “{other}”, but ticking it too would make more than {max} choices: untick another choice to keep your text, or clear it.',
  },
  'take_progress.other_hidden': {
    fr: '«\u00a0{other}\u00a0» ne s’applique pas avec vos autres réponses de cette page, et votre texte ne peut pas être gardé\u00a0: effacez-le, ou changez ces réponses.',
    en: '“{other}” does not apply with your other answers on this page, so your text cannot be kept: clear it, or change those answers.',
  },
  'take_progress.matrix_row_empty': { fr: 'Choisissez une réponse pour cette ligne.', en: 'Choose an answer for this row.' },
  'take_progress.matrix_rows_empty': {
    fr: 'Répondez à chaque ligne\u00a0; sans réponse\u00a0: {rows}.',
    en: 'Answer every row; left empty: {rows}.',
  },
  'take_progress.summary_entry': { fr: '{question}\u00a0: {message}', en: '{question}: {message}' },
  // After a question that ends with its own mark (? ! :), a colon would double it.
  'take_progress.summary_entry_after_mark': { fr: '{question} {message}', en: '{question} {message}' },
} as const;
