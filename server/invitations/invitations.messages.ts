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

  'invitations.title': { fr: 'Invitations', en: 'Invitations' },
  'invitations.heading': { fr: 'Invitations de la vague {wave}', en: 'Invitations of wave {wave}' },
  'invitations.settings_heading': { fr: 'Accès et panel', en: 'Access and panel' },
  'invitations.panel': { fr: 'Panel invité', en: 'Panel invited' },
  'invitations.no_panel': { fr: 'aucun : choisissez-le dans les réglages de la vague', en: 'none: choose it in the wave’s settings' },
  'invitations.anonymous': { fr: 'Réponses anonymes', en: 'Anonymous responses' },
  'invitations.yes': { fr: 'oui', en: 'yes' },
  'invitations.no': { fr: 'non', en: 'no' },
  'invitations.quiet_hours': { fr: 'Pas de rappel entre', en: 'No reminder between' },
  'invitations.quiet_hours_value': { fr: '{from} h et {to} h ({zone})', en: '{from}:00 and {to}:00 ({zone})' },
  'invitations.change_settings': { fr: 'Changer ces réglages', en: 'Change these settings' },
  'invitations.open_wave_only': {
    fr: 'Cette vague est ouverte à toute personne qui a le lien : elle n’envoie pas d’invitations. Passez son accès à « panel » pour inviter un panel.',
    en: 'This wave is open to anyone with the link: it sends no invitations. Set its access to “panel” to invite a panel.',
  },
  'invitations.counts_heading': { fr: 'Où en sont les invitations', en: 'Where the invitations stand' },
  'invitations.members': { fr: 'Membres du panel', en: 'Panel members' },
  'invitations.invited': { fr: 'Invités', en: 'Invited' },
  'invitations.reminded': { fr: 'Relancés au moins une fois', en: 'Reminded at least once' },
  'invitations.completed': { fr: 'Ont répondu (complets)', en: 'Answered (complete)' },
  'invitations.unsubscribed': { fr: 'Désinscrits', en: 'Unsubscribed' },
  'invitations.bounced': { fr: 'Adresses en échec définitif', en: 'Addresses that bounced' },
  'invitations.outbox_queued': { fr: 'Messages en attente d’envoi', en: 'Messages waiting to be sent' },
  'invitations.outbox_sent': { fr: 'Messages envoyés', en: 'Messages sent' },
  'invitations.outbox_failed': { fr: 'Messages en échec', en: 'Messages that failed' },
  'invitations.rate_heading': { fr: 'Taux de réponse (AAPOR RR1)', en: 'Response rate (AAPOR RR1)' },
  'invitations.rate_value': {
    fr: '{rate} : {completed} complets ÷ ({invited} invités − {screenedOut} écartés comme non éligibles)',
    en: '{rate}: {completed} completes ÷ ({invited} invited − {screenedOut} screened out as ineligible)',
  },
  'invitations.rate_none': { fr: 'pas encore d’invité éligible', en: 'no eligible member invited yet' },
  'invitations.send_heading': { fr: 'Envoyer les invitations', en: 'Send the invitations' },
  'invitations.send_hint': {
    fr: 'Chaque membre actif du panel reçoit son lien personnel, une seule fois : renvoyer n’invite que les membres ajoutés depuis. Les membres désinscrits ou dont l’adresse a échoué ne sont pas invités.',
    en: 'Each active member of the panel gets their personal link, once: sending again invites only members added since. Unsubscribed members and addresses that bounced are not invited.',
  },
  'invitations.send_when_open': {
    fr: 'Les invitations partent quand la vague est ouverte : leurs liens ne marchent que pendant le terrain.',
    en: 'Invitations go out once the wave is open: their links only work while it takes answers.',
  },
  'invitations.send': { fr: 'Envoyer les invitations', en: 'Send invitations' },
  'invitations.done_sent': {
    fr: 'Invitations envoyées : {queued} message(s) mis en file ; {already} déjà invité(s) ; {unsubscribed} désinscrit(s) et {bounced} adresse(s) en échec non invités.',
    en: 'Invitations sent: {queued} message(s) queued; {already} already invited; {unsubscribed} unsubscribed and {bounced} bounced not invited.',
  },
  'invitations.send_preparing': {
    fr: 'Envoi en cours : préparation des invitations, {done} membre(s) sur {total}.',
    en: 'Sending: preparing the invitations, {done} of {total} member(s).',
  },
  'invitations.send_mailing': {
    fr: 'Envoi en cours : {done} invitation(s) sur {total} traitée(s), {queued} message(s) mis en file.',
    en: 'Sending: {done} of {total} invitation(s) handled, {queued} message(s) queued.',
  },
  'invitations.send_refresh_hint': {
    fr: 'Voir où en est l’envoi',
    en: 'Show how far the send has got',
  },
  'invitations.send_interrupted': {
    fr: 'L’envoi s’est arrêté avant la fin (le serveur a redémarré ?) : envoyez à nouveau pour le terminer ; personne ne reçoit deux fois son invitation.',
    en: 'The send stopped before the end (did the server restart?): send again to finish it; nobody gets their invitation twice.',
  },
  'invitations.send_failed': {
    fr: 'L’envoi a échoué (l’erreur est dans le journal du serveur) : envoyez à nouveau pour le terminer ; personne ne reçoit deux fois son invitation.',
    en: 'The send failed (the error is in the server log): send again to finish it; nobody gets their invitation twice.',
  },
  'invitations.send_stopped': { fr: 'Envoi interrompu : {message}', en: 'Send stopped: {message}' },
  'invitations.refused_send_running': {
    fr: 'Les invitations de cette vague sont en cours d’envoi : attendez la fin de cet envoi, dont l’avancement est affiché ci-dessous.',
    en: 'This wave’s invitations are being sent: wait until that send ends; its progress is shown below.',
  },
  'invitations.preview_heading': { fr: 'Aperçu des messages', en: 'Preview of the messages' },
  'invitations.preview_hint': {
    fr: 'Rendu pour {member}, avec un lien d’exemple à la place du lien personnel.',
    en: 'Rendered for {member}, with an example link in place of the personal link.',
  },
  'invitations.preview_sample': { fr: 'un membre fictif', en: 'a made-up member' },
  'invitations.preview_invitation': { fr: 'Invitation', en: 'Invitation' },
  'invitations.preview_reminder': { fr: 'Rappel', en: 'Reminder' },
  'invitations.preview_subject': { fr: 'Objet :', en: 'Subject:' },
  'invitations.preview_html': { fr: 'Version HTML de « {subject} »', en: 'HTML version of “{subject}”' },
  'invitations.preview_text': { fr: 'Version texte', en: 'Text version' },
  'invitations.refused_not_a_panel_wave': {
    fr: 'Cette vague est ouverte à toute personne qui a le lien : passez son accès à « panel » pour inviter un panel.',
    en: 'This wave is open to anyone with the link: set its access to “panel” to invite a panel.',
  },
  'invitations.refused_no_panel': { fr: 'Cette vague ne désigne aucun panel : choisissez-le dans ses réglages.', en: 'This wave names no panel: choose it in its settings.' },
  'invitations.refused_not_open': {
    fr: 'Les invitations partent quand la vague est ouverte : leurs liens ne marchent que pendant le terrain.',
    en: 'Invitations are sent once the wave is open: their links only work while it takes answers.',
  },

  'invitations.wave_panel': { fr: 'Panel invité', en: 'Panel invited' },
  'invitations.wave_panel_none': { fr: '— Aucun —', en: '— None —' },
  'invitations.wave_panel_hint': {
    fr: 'Pour un accès « membres invités du panel » : les membres de ce panel reçoivent chacun leur lien.',
    en: 'For “invited panel members” access: each member of this panel gets their own link.',
  },
  'invitations.wave_anonymous': { fr: 'Réponses anonymes', en: 'Anonymous responses' },
  'invitations.wave_anonymous_hint': {
    fr: 'Les réponses ne sont pas reliées aux membres : seul « a répondu » est gardé. Ne change plus une fois les invitations envoyées.',
    en: 'Responses are not linked to members: only “has answered” is kept. Fixed once the invitations are sent.',
  },
  'invitations.refused_panel_required': {
    fr: 'Cette vague est réservée aux membres invités d’un panel : choisissez d’abord son panel.',
    en: 'This wave is for invited panel members: choose its panel first.',
  },
  'invitations.refused_panel_not_found': { fr: 'Ce panel n’existe pas pour cette enquête.', en: 'This survey has no such panel.' },
  'invitations.refused_panel_locked': {
    fr: 'Les invitations de cette vague sont envoyées : le panel invité ne peut plus changer.',
    en: 'This wave’s invitations are sent: the panel it invites cannot change any more.',
  },
  'invitations.refused_anonymity_locked': {
    fr: 'Les invitations de cette vague sont envoyées : l’anonymat promis aux invités ne peut plus changer.',
    en: 'This wave’s invitations are sent: the anonymity promised to the invited cannot change any more.',
  },

  'unsubscribe.title': { fr: 'Se désinscrire', en: 'Unsubscribe' },
  'unsubscribe.confirm_body': {
    fr: 'Vous ne recevrez plus aucun message du panel « {panel} » ({survey}), pour cette vague et les suivantes.',
    en: 'You will receive no more messages from the panel “{panel}” ({survey}), for this wave or any later one.',
  },
  'unsubscribe.confirm_button': { fr: 'Me désinscrire', en: 'Unsubscribe me' },
  'unsubscribe.done_title': { fr: 'Vous êtes désinscrit(e)', en: 'You are unsubscribed' },
  'unsubscribe.done_body': {
    fr: 'Vous ne recevrez plus de messages de ce panel.',
    en: 'You will not receive messages from this panel again.',
  },
} as const;
