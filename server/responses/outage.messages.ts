// Interface strings of the page a respondent sees when their answers could not be saved because the
// database is unreachable. French typography: a no-break space (\u00a0) before : ; ! ? and inside « ».
export const OUTAGE_MESSAGES = {
  'outage.title': { fr: 'Service momentanément indisponible', en: 'Service briefly unavailable' },
  'outage.generic_body': {
    fr: 'Nous ne pouvons pas afficher cette page pour le moment. Réessayez dans quelques instants.',
    en: 'We cannot show this page right now. Please try again in a few moments.',
  },
  'outage.answers_title': { fr: 'Vos réponses ne sont pas encore enregistrées', en: 'Your answers are not saved yet' },
  'outage.answers_body': {
    fr: 'Un incident technique nous empêche d’enregistrer vos réponses pour l’instant. Rien n’est perdu\u00a0: elles sont gardées dans ce formulaire. Réessayez dans quelques instants.',
    en: 'A technical problem stops us from saving your answers right now. Nothing is lost: they are kept in this form. Please try again in a few moments.',
  },
  'outage.typed_title': { fr: 'Ce que vous avez saisi', en: 'What you typed' },
  'outage.nothing_typed': { fr: 'Aucune réponse sur cette page.', en: 'No answer on this page.' },
  'outage.retry': { fr: 'Réessayer l’envoi', en: 'Try sending again' },
  // take.js shows these when the page it posts gets a 503: the answers stay on the device.
  'outage.script_waiting': {
    fr: 'Enregistrement impossible pour l’instant\u00a0: vos réponses sont gardées sur cet appareil et seront envoyées automatiquement.',
    en: 'Your answers cannot be saved right now: they are kept on this device and will be sent automatically.',
  },
  'outage.script_retry_now': { fr: 'Réessayer maintenant', en: 'Try again now' },
} as const;
