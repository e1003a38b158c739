// The invitation pages', mails' and unsubscribe page's strings. The mails' keys start with `mail.`:
// render-mail.ts reads `mail.<template>.subject` for a template's subject.
export const INVITATIONS_MESSAGES = {
  'mail.invitation.subject': { fr: '{surveyTitle} : votre invitation', en: '{surveyTitle}: your invitation' },
  'mail.reminder.subject': { fr: 'Rappel : {surveyTitle}', en: 'Reminder: {surveyTitle}' },
  'mail.greeting': { fr: 'Bonjour {name},', en: 'Dear {name},' },
  'mail.greeting_unnamed': { fr: 'Bonjour,', en: 'Hello,' },
  'mail.invitation.body': {
    fr: 'Vous êtes invité(e) à répondre à l’enquête « {surveyTitle} ». Votre participation nous est précieuse.',
    en: 'You are invited to answer the survey “{surveyTitle}”. Your answers matter to us.',
  },
  'mail.reminder.body': {
    fr: 'Nous n’avons pas encore reçu vos réponses à l’enquête « {surveyTitle} ». Il est encore temps d’y participer.',
    en: 'We have not received your answers to the survey “{surveyTitle}” yet. There is still time to take part.',
  },
  'mail.closes_on': { fr: 'L’enquête ferme le {date}.', en: 'The survey closes on {date}.' },
  'mail.take_survey': { fr: 'Répondre à l’enquête', en: 'Answer the survey' },
  'mail.take_survey_text': { fr: 'Pour répondre, ouvrez ce lien :', en: 'To answer, open this link:' },
  'mail.link_fallback': {
    fr: 'Si le bouton ne marche pas, copiez ce lien dans votre navigateur :',
    en: 'If the button does not work, copy this link into your browser:',
  },
  'mail.personal_link': {
    fr: 'Ce lien est personnel : il vous permet de reprendre vos réponses. Ne le transférez pas.',
    en: 'This link is yours alone: it lets you come back to your answers. Please do not forward it.',
  },
  'mail.sent_by': { fr: 'Message envoyé par {sender}.', en: 'Sent by {sender}.' },
  'mail.unsubscribe_text': {
    fr: 'Pour ne plus recevoir de messages de ce panel :',
    en: 'To stop receiving messages from this panel:',
  },
  'mail.unsubscribe_link': { fr: 'se désinscrire', en: 'unsubscribe' },
} as const;
