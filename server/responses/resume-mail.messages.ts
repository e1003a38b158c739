// Interface strings for the resume link: the "continue later" box (views/take/save-later.ejs), the
// refusals of "email me this link" (views/take/resume-link.ejs) and the mail itself
// (views/mail/resume_link.*.ejs; its subject is mail.resume_link.subject, where render-mail reads it).
export const RESUME_MAIL_MESSAGES = {
  'resume_mail.copy': { fr: 'Copier le lien', en: 'Copy the link' },
  'resume_mail.form_title': { fr: 'M’envoyer ce lien par e-mail', en: 'Email me this link' },
  'resume_mail.email_label': { fr: 'Votre adresse e-mail', en: 'Your email address' },
  'resume_mail.email_hint': {
    fr: 'Elle ne sert qu’à cet envoi : elle n’est pas enregistrée avec vos réponses.',
    en: 'It is used for this message only: it is not kept with your answers.',
  },
  'resume_mail.send': { fr: 'Envoyer le lien', en: 'Send the link' },
  'resume_mail.sent': {
    fr: 'Si cette adresse peut recevoir du courrier, le lien est en route.',
    en: 'If this address can receive mail, the link is on its way.',
  },
  'resume_mail.refused_title': { fr: 'Le lien n’a pas été envoyé', en: 'The link was not sent' },
  'resume_mail.back': { fr: 'Revenir au questionnaire', en: 'Back to the survey' },
  'resume_mail.email_missing': { fr: 'Saisissez une adresse e-mail.', en: 'Enter an email address.' },
  'resume_mail.email_invalid': {
    fr: 'Saisissez une seule adresse e-mail, comme nom@exemple.fr.',
    en: 'Enter one email address, like name@example.com.',
  },
  'resume_mail.no_response': {
    fr: 'Ce navigateur n’a pas de questionnaire en cours pour cette enquête : il n’y a pas de lien à envoyer.',
    en: 'This browser has no survey in progress for this survey: there is no link to send.',
  },
  'resume_mail.not_a_form': {
    fr: 'Envoyez l’adresse depuis le formulaire de la page.',
    en: 'Send the address from the form on the page.',
  },
  'resume_mail.too_many': {
    fr: 'Trop de liens ont été demandés. Réessayez plus tard, ou copiez le lien ci-dessus.',
    en: 'Too many links have been asked for. Try again later, or copy the link above.',
  },
  // The mail.
  'resume_mail.mail_body': {
    fr: 'Vous avez demandé ce lien pour reprendre le questionnaire « {surveyTitle} » là où vous vous étiez arrêté.',
    en: 'You asked for this link to continue the survey “{surveyTitle}” where you left off.',
  },
  'resume_mail.mail_action': { fr: 'Reprendre le questionnaire', en: 'Continue the survey' },
  'resume_mail.mail_valid': {
    fr: 'Le lien reste valable tant que l’enquête est ouverte, jusqu’à ce que vous ayez terminé.',
    en: 'The link works while the survey is open, until you have finished.',
  },
  'resume_mail.mail_private': {
    fr: 'Ce lien ouvre vos réponses : ne le transmettez à personne. Si vous n’avez rien demandé, ignorez ce message.',
    en: 'This link opens your answers: do not pass it on. If you did not ask for it, ignore this message.',
  },
} as const;
