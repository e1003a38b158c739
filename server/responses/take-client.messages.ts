// Interface strings for the respondent's script (drafts kept on the device, offline submit, the
// "other" box, the copy button). views/take/client-strings.ejs hands them to take.js as JSON.
export const TAKE_CLIENT_MESSAGES = {
  'take_client.draft_restored': {
    fr: 'Les réponses saisies sur cet appareil depuis le dernier enregistrement ont été remises.',
    en: 'The answers typed on this device since the last save have been put back.',
  },
  'take_client.sending': { fr: 'Envoi en cours…', en: 'Sending…' },
  'take_client.pending': {
    fr: 'Enregistré sur cet appareil : vos réponses seront envoyées dès le retour de la connexion.',
    en: 'Saved on this device: your answers will be sent when you are back online.',
  },
  // This browser refuses to store anything (a private window, a full quota): only the open page holds them.
  'take_client.pending_in_page': {
    fr: 'Pas de connexion : vos réponses seront envoyées dès son retour. Gardez cette page ouverte.',
    en: 'No connection: your answers will be sent when you are back online. Keep this page open.',
  },
  'take_client.other_parked': {
    fr: 'Cochez « Autre » pour envoyer ce texte.',
    en: 'Choose “Other” to send this text.',
  },
  'take_client.copied': { fr: 'Lien copié.', en: 'Link copied.' },
  'take_client.copy_selected': {
    fr: 'Le lien est sélectionné : copiez-le avec la commande Copier de votre appareil.',
    en: 'The link is selected: copy it with your device’s Copy command.',
  },
} as const;

