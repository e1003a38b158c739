// Every interface string, in every interface language. A key without both languages does not
// compile. Placeholders are {name}.
export const INTERFACE_LANGUAGES = ['fr', 'en'] as const;
export type InterfaceLanguage = (typeof INTERFACE_LANGUAGES)[number];

export const MESSAGES = {
  'lang.name': { fr: 'Français', en: 'English' },
  'lang.switch_label': { fr: 'Langue', en: 'Language' },
  'lang.switch_to': { fr: 'Read in English', en: 'Lire en français' },
  'layout.skip_to_content': { fr: 'Aller au contenu', en: 'Skip to content' },
  'layout.footer': { fr: 'Propulsé par Barometer', en: 'Powered by Barometer' },

  'take.start': { fr: 'Commencer', en: 'Start' },
  'take.consent_label': {
    fr: "J'ai lu ces informations et j'accepte de participer",
    en: 'I have read this information and agree to take part',
  },
  'take.next': { fr: 'Suivant', en: 'Next' },
  'take.back': { fr: 'Précédent', en: 'Back' },
  'take.submit': { fr: 'Envoyer mes réponses', en: 'Submit my answers' },
  'take.progress': { fr: 'Page {current} sur {total}', en: 'Page {current} of {total}' },
  'take.progress_label': { fr: 'Progression', en: 'Progress' },
  'take.required_marker': { fr: '(obligatoire)', en: '(required)' },
  'take.optional_marker': { fr: '(facultatif)', en: '(optional)' },
  'take.other_specify': { fr: 'Précisez', en: 'Please specify' },
  'take.dont_know': { fr: 'Ne sais pas', en: "Don't know" },
  'take.choose': { fr: '— Choisir —', en: '— Choose —' },
  'take.rank_label': { fr: 'Rang de « {option} »', en: 'Rank of “{option}”' },
  'take.rank_help': {
    fr: 'Donnez un rang à chaque élément : 1 pour le premier, sans répéter un rang.',
    en: 'Give each item a rank: 1 for the first, without repeating a rank.',
  },
  'take.nps_low': { fr: 'Pas du tout probable', en: 'Not at all likely' },
  'take.nps_high': { fr: 'Extrêmement probable', en: 'Extremely likely' },
  'take.select_between': {
    fr: 'Choisissez entre {min} et {max} réponses.',
    en: 'Choose between {min} and {max} answers.',
  },
  'take.select_at_least': { fr: 'Choisissez au moins {min} réponses.', en: 'Choose at least {min} answers.' },
  'take.select_at_most': { fr: 'Choisissez au plus {max} réponses.', en: 'Choose at most {max} answers.' },
  'take.max_length_hint': { fr: '{max} caractères au maximum.', en: '{max} characters at most.' },
  'take.save_later_title': { fr: 'Continuer plus tard', en: 'Continue later' },
  'take.save_later_text': {
    fr: 'Vos réponses sont enregistrées à chaque page. Pour reprendre sur un autre appareil, gardez ce lien personnel :',
    en: 'Your answers are saved on every page. To resume on another device, keep this personal link:',
  },
  'take.save_later_warning': {
    fr: 'Ne le partagez pas : il donne accès à vos réponses.',
    en: 'Do not share it: it opens your answers.',
  },
  'take.resumed': {
    fr: 'Bon retour ! Vos réponses précédentes ont été conservées.',
    en: 'Welcome back! Your earlier answers were kept.',
  },
  'take.thanks_title': { fr: 'Merci !', en: 'Thank you!' },
  'take.already_complete': {
    fr: 'Vos réponses ont déjà été enregistrées. Merci !',
    en: 'Your answers have already been recorded. Thank you!',
  },

  'errors.summary_title': { fr: 'Il y a un problème', en: 'There is a problem' },
  'errors.field_prefix': { fr: 'Erreur :', en: 'Error:' },
  'errors.required': { fr: 'Cette question est obligatoire.', en: 'This question is required.' },
  'errors.consent_required': {
    fr: 'Vous devez accepter de participer pour commencer.',
    en: 'You must agree to take part to start.',
  },
  'errors.unknown_question': { fr: 'Question inconnue.', en: 'Unknown question.' },
  'errors.unknown_option': { fr: "Cette réponse n'est pas proposée.", en: 'This answer is not one of the choices.' },
  'errors.wrong_type': { fr: "Cette réponse n'a pas le bon format.", en: 'This answer has the wrong format.' },
  'errors.too_few': { fr: 'Choisissez au moins {min} réponses.', en: 'Choose at least {min} answers.' },
  'errors.too_many': { fr: 'Choisissez au plus {max} réponses.', en: 'Choose at most {max} answers.' },
  'errors.exclusive': {
    fr: '« {option} » ne peut pas être combiné avec une autre réponse.',
    en: '“{option}” cannot be combined with another answer.',
  },
  'errors.too_long': { fr: '{max} caractères au maximum.', en: '{max} characters at most.' },
  'errors.below_min': { fr: 'Indiquez un nombre supérieur ou égal à {min}.', en: 'Enter a number of at least {min}.' },
  'errors.above_max': { fr: 'Indiquez un nombre inférieur ou égal à {max}.', en: 'Enter a number of at most {max}.' },
  'errors.not_integer': { fr: 'Indiquez un nombre entier.', en: 'Enter a whole number.' },
  'errors.invalid_date': { fr: 'Indiquez une date valide.', en: 'Enter a valid date.' },
  'errors.hidden': {
    fr: "Cette question ne s'applique pas d'après vos réponses.",
    en: 'This question does not apply given your answers.',
  },
  'errors.other_text_required': { fr: 'Précisez votre réponse « autre ».', en: 'Please specify your “other” answer.' },
  'errors.incomplete_ranking': {
    fr: 'Donnez un rang différent à chaque élément.',
    en: 'Give each item a different rank.',
  },
  'errors.not_found_title': { fr: 'Page introuvable', en: 'Page not found' },
  'errors.generic_title': { fr: 'Une erreur est survenue', en: 'Something went wrong' },
  'errors.survey_closed': {
    fr: "Cette enquête est close : elle n'accepte plus de réponses.",
    en: 'This survey is closed: it no longer accepts answers.',
  },
  'errors.csrf': {
    fr: 'Votre session a expiré ou le formulaire a été altéré. Rechargez la page et réessayez : vos réponses déjà enregistrées sont conservées.',
    en: 'Your session expired or the form was altered. Reload the page and try again: the answers already saved are kept.',
  },
  'errors.response_not_yours': {
    fr: "Ce questionnaire en cours n'est pas accessible depuis ce navigateur.",
    en: 'This response in progress cannot be opened from this browser.',
  },
  'errors.rate_limited': {
    fr: 'Trop de questionnaires commencés depuis cette adresse. Réessayez dans quelques minutes.',
    en: 'Too many responses started from this address. Try again in a few minutes.',
  },
  'errors.bot': { fr: 'Envoi refusé.', en: 'Submission refused.' },
  'errors.back_home': { fr: "Retour à l'accueil", en: 'Back to the home page' },

  'home.title': { fr: 'Enquêtes ouvertes', en: 'Open surveys' },
  'home.none': { fr: 'Aucune enquête ouverte pour le moment.', en: 'No survey is open right now.' },
} as const satisfies Record<string, Record<InterfaceLanguage, string>>;

export type MessageKey = keyof typeof MESSAGES;
