// Interface strings of the question asked when a resume link would replace the response this browser
// already has in progress (views/take/resume-switch.ejs), and of the pages a link tried gets when it
// opens nothing or when too many were tried (views/take/invitation-notice.ejs). French typography: a
// no-break space (\u00a0) before : ; ! ? and inside « ».
export const RESUME_SWITCH_MESSAGES = {
  'resume_switch.title': {
    fr: 'Quelles réponses voulez-vous continuer\u00a0?',
    en: 'Which answers do you want to continue?',
  },
  'resume_switch.body': {
    fr: 'Ce navigateur a déjà un questionnaire en cours pour cette enquête, et le lien que vous avez suivi en ouvre un autre. Rien ne change tant que vous n’avez pas choisi.',
    en: 'This browser already has answers in progress for this survey, and the link you followed opens other answers. Nothing changes until you choose.',
  },
  'resume_switch.keep_own': {
    fr: 'Continuer mes réponses (commencées sur cet appareil)',
    en: 'Continue my answers (started on this device)',
  },
  'resume_switch.open_link': {
    fr: 'Ouvrir les réponses du lien',
    en: 'Open the answers from the link',
  },
  'resume_switch.open_link_hint': {
    fr: 'Ne choisissez ceci que si le lien vient de vous, par exemple de l’e-mail que vous vous êtes envoyé. Ce navigateur quittera alors ses réponses en cours.',
    en: 'Choose this only if the link is yours, for instance from the email you sent yourself. This browser then leaves the answers it has in progress.',
  },
  'resume_switch.link_invalid_title': {
    fr: 'Ce lien de reprise n’ouvre aucune réponse',
    en: 'This resume link opens no answers',
  },
  'resume_switch.link_invalid_body': {
    fr: 'Vérifiez que vous avez copié le lien entier. Un lien ouvert sur un appareil ne sert plus ailleurs\u00a0: cet appareil garde les réponses, et sa page «\u00a0continuer plus tard\u00a0» montre le nouveau lien. Un questionnaire terminé, ou une enquête close, ne se reprend plus.',
    en: 'Check that you copied the whole link. A link opened on one device no longer works elsewhere: that device keeps the answers, and its “continue later” box shows the new link. Finished answers, or a closed survey, cannot be resumed.',
  },
  'resume_switch.too_many_links_title': {
    fr: 'Trop de liens essayés depuis cette adresse',
    en: 'Too many links tried from this address',
  },
  'resume_switch.too_many_links_body': {
    fr: 'Réessayez dans quelques minutes, avec le lien entier de votre e-mail.',
    en: 'Try again in a few minutes, with the whole link from your email.',
  },
} as const;
