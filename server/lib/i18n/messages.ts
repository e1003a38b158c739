// Every interface string, in every interface language. A key without both languages does not
// compile. Placeholders are {name}. A feature with many strings keeps them in its own
// `*.messages.ts`, spread in here.
import { ACCOUNTS_MESSAGES } from '../../accounts/accounts.messages';
import { CONSOLE_MESSAGES } from '../../console/console.messages';
import { OWN_ACCOUNT_MESSAGES } from '../../accounts/own-account.messages';
import { USER_ADMIN_MESSAGES } from '../../accounts/user-admin.messages';
import { AUDIT_MESSAGES } from '../../audit/audit.messages';
import { WAVES_MESSAGES } from '../../waves/waves.messages';
import { VERSIONS_MESSAGES } from '../../surveys/versions/versions.messages';
import { RESPONSE_ADMIN_MESSAGES } from '../../responses/response-admin.messages';
import { FIELDWORK_MESSAGES } from '../../fieldwork/fieldwork.messages';
import { MAIL_MESSAGES } from '../../mail/mail.messages';
import { PANELS_MESSAGES } from '../../panels/panels.messages';
import { INVITATIONS_MESSAGES } from '../../invitations/invitations.messages';
import { DASHBOARD_MESSAGES } from '../../dashboard/dashboard.messages';
import { DASHBOARD_PAGE_MESSAGES } from '../../dashboard/dashboard-page.messages';
import { DASHBOARD_FIGURES_MESSAGES } from '../../dashboard/dashboard-figures.messages';
import { OPEN_ANSWERS_MESSAGES } from '../../dashboard/open-answers.messages';
import { WEIGHTING_FORM_MESSAGES } from '../../dashboard/weighting-form.messages';
import { CROSSTAB_MESSAGES } from '../../analysis/report/crosstab.messages';
import { WAVE_CHANGE_MESSAGES } from '../../dashboard/figures/wave-change.messages';
import { METHODOLOGY_MESSAGES } from '../../analysis/report/methodology.messages';
import { REPORT_CHANGE_MESSAGES } from '../../analysis/report/report-changes.messages';
import { TAKE_CLIENT_MESSAGES } from '../../responses/take-client.messages';
import { TAKE_PROGRESS_MESSAGES } from '../../responses/take-progress.messages';
import { RESUME_MAIL_MESSAGES } from '../../responses/resume-mail.messages';
import { OUTAGE_MESSAGES } from '../../responses/outage.messages';
import { RESUME_SWITCH_MESSAGES } from '../../responses/resume-switch.messages';

export const INTERFACE_LANGUAGES = ['fr', 'en'] as const;
export type InterfaceLanguage = (typeof INTERFACE_LANGUAGES)[number];

export const MESSAGES = {
  ...ACCOUNTS_MESSAGES,
  ...CONSOLE_MESSAGES,
  ...OWN_ACCOUNT_MESSAGES,
  ...USER_ADMIN_MESSAGES,
  ...AUDIT_MESSAGES,
  ...WAVES_MESSAGES,
  ...VERSIONS_MESSAGES,
  ...RESPONSE_ADMIN_MESSAGES,
  ...FIELDWORK_MESSAGES,
  ...MAIL_MESSAGES,
  ...PANELS_MESSAGES,
  ...INVITATIONS_MESSAGES,
  ...DASHBOARD_MESSAGES,
  ...DASHBOARD_PAGE_MESSAGES,
  ...DASHBOARD_FIGURES_MESSAGES,
  ...OPEN_ANSWERS_MESSAGES,
  ...WEIGHTING_FORM_MESSAGES,
  ...CROSSTAB_MESSAGES,
  ...WAVE_CHANGE_MESSAGES,
  ...METHODOLOGY_MESSAGES,
  ...REPORT_CHANGE_MESSAGES,
  ...TAKE_CLIENT_MESSAGES,
  ...TAKE_PROGRESS_MESSAGES,
  ...RESUME_MAIL_MESSAGES,
  ...OUTAGE_MESSAGES,
  ...RESUME_SWITCH_MESSAGES,
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
  'take.consent_title': { fr: 'Votre accord', en: 'Your consent' },
  'take.next': { fr: 'Suivant', en: 'Next' },
  'take.back': { fr: 'Précédent', en: 'Back' },
  'take.submit': { fr: 'Envoyer mes réponses', en: 'Submit my answers' },
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
  // Says the answers arrived, and thanks whatever the survey's own text under it says: not a bare
  // "Thank you!", which read "Thank you! Thank you!" above a text that starts with one.
  'take.thanks_title': { fr: 'Merci, vos réponses ont bien été envoyées', en: 'Thank you, your answers have been sent' },
  'take.closed_title': { fr: 'Cette enquête est close', en: 'This survey is closed' },
  'take.closed_body': {
    fr: 'Merci de votre intérêt : cette enquête ne reçoit plus de réponses.',
    en: 'Thank you for your interest: this survey no longer takes answers.',
  },
  'take.closed_dates': { fr: 'Elle était ouverte du {start} au {end}.', en: 'It was open from {start} to {end}.' },
  'take.closed_on': { fr: 'Elle a fermé le {end}.', en: 'It closed on {end}.' },
  'take.not_open_title': { fr: 'Cette enquête n’est pas encore ouverte', en: 'This survey is not open yet' },
  'take.not_open_body': {
    fr: 'Merci de votre intérêt : cette enquête ne reçoit pas encore de réponses.',
    en: 'Thank you for your interest: this survey does not take answers yet.',
  },
  'take.opens_at': { fr: 'Elle ouvrira le {when}.', en: 'It opens on {when}.' },
  'take.screened_out_title': { fr: 'Merci de votre participation', en: 'Thank you for taking part' },
  'take.screened_out_body': {
    fr: 'Nous avons déjà reçu toutes les réponses dont nous avions besoin de personnes de votre profil : vous n’avez pas d’autre question à remplir. Merci du temps que vous nous avez consacré.',
    en: 'We already have all the answers we need from people with your profile, so there are no more questions for you. Thank you for your time.',
  },
  'take.test_mode': {
    fr: 'Mode test : cette réponse n’est comptée dans aucun résultat.',
    en: 'Test mode: this response is not counted in any result.',
  },
  'take.already_complete': {
    fr: 'Vos réponses ont déjà été enregistrées. Merci !',
    en: 'Your answers have already been recorded. Thank you!',
  },
  'take.invitation_invalid_title': {
    fr: 'Ce lien d’invitation n’est pas valide ou a expiré',
    en: 'This invitation link is not valid or has expired',
  },
  'take.invitation_invalid_body': {
    fr: 'Vérifiez que vous avez copié le lien entier de votre e-mail d’invitation. Une enquête close ne reçoit plus de réponses.',
    en: 'Check that you copied the whole link from your invitation email. A survey that has closed no longer takes answers.',
  },
  'take.invitation_only_title': { fr: 'Cette enquête est sur invitation', en: 'This survey is by invitation only' },
  'take.invitation_only_body': {
    fr: 'Pour y répondre, ouvrez le lien personnel de l’e-mail d’invitation que vous avez reçu.',
    en: 'To answer it, open the personal link in the invitation email you received.',
  },
  'take.already_answered_title': { fr: 'Vous avez déjà répondu à cette enquête', en: 'You have already answered this survey' },
  'take.already_answered_body': {
    fr: 'Votre invitation permet de répondre une fois, et vos réponses sont enregistrées. Merci de votre participation !',
    en: 'Your invitation allows one set of answers, and yours are recorded. Thank you for taking part!',
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
  'errors.forbidden_title': { fr: 'Accès refusé', en: 'Access refused' },
  'errors.survey_closed': {
    fr: "Cette enquête est close : elle n'accepte plus de réponses.",
    en: 'This survey is closed: it no longer accepts answers.',
  },
  'errors.form_encoding_required': {
    fr: 'Ce formulaire s\u2019envoie depuis sa page\u00a0: rechargez-la et réessayez.',
    en: 'This form is sent from its page: reload it and try again.',
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
  'errors.page_not_found': { fr: "Cette page n'existe pas.", en: 'This page does not exist.' },
  'errors.survey_not_found': { fr: "Cette enquête n'existe pas ou n'est pas encore ouverte.", en: 'This survey does not exist or is not open yet.' },
  'errors.resume_link_invalid': {
    fr: "Ce lien de reprise n'est pas valide. Vérifiez qu'il est complet, ou recommencez le questionnaire.",
    en: 'This resume link is not valid. Check that it is complete, or start the questionnaire again.',
  },
  'errors.response_busy': {
    fr: 'Vos réponses viennent d’être modifiées dans un autre onglet. Rechargez la page : rien n’est perdu.',
    en: 'Your answers were just changed in another tab. Reload the page: nothing is lost.',
  },
  'errors.form_not_offered': {
    fr: "Le formulaire envoyé contient des réponses qui n'étaient pas proposées. Rien n'a été enregistré : revenez à la page et réessayez.",
    en: 'The form sent answers that were not offered. Nothing was saved: go back to the page and try again.',
  },
  'errors.forbidden': {
    fr: "Votre compte n'a pas accès à cette page. Un administrateur peut vous en donner l'accès.",
    en: 'Your account has no access to this page. An administrator can grant it.',
  },
  'errors.back_home': { fr: "Retour à l'accueil", en: 'Back to the home page' },

  'report.title': { fr: 'Résultats', en: 'Results' },
  'report.key_findings': { fr: 'Les chiffres publiés', en: 'Published figures' },
  'report.by_question': { fr: 'Question par question', en: 'Question by question' },
  'report.base': { fr: 'base : {n}', en: 'base: {n}' },
  'report.base_policy_answered': { fr: 'répondants à qui la question a été posée et qui y ont répondu', en: 'respondents who were asked and answered' },
  'report.base_policy_shown': { fr: 'répondants à qui la question a été posée', en: 'respondents who were asked' },
  'report.base_policy_all': { fr: 'ensemble des répondants', en: 'all respondents' },
  'report.low_base': { fr: 'base faible (moins de {n}) : à interpréter avec prudence', en: 'low base (under {n}): interpret with care' },
  'report.suppressed': { fr: 'base trop faible pour publier le chiffre', en: 'base too small to publish the figure' },
  'report.option': { fr: 'Réponse', en: 'Answer' },
  'report.count': { fr: 'Effectif', en: 'Count' },
  'report.percent': { fr: '%', en: '%' },
  'report.mean': { fr: 'Moyenne', en: 'Mean' },
  'report.top2': { fr: 'Satisfaits (top 2)', en: 'Top 2 box' },
  'report.row': { fr: 'Ligne', en: 'Row' },
  'report.multi_note': { fr: 'Plusieurs réponses possibles : le total dépasse 100 %.', en: 'Several answers allowed: the total exceeds 100%.' },
  'report.dont_know_note': { fr: '« Ne sais pas » : {n}, hors base.', en: '“Don’t know”: {n}, left out of the base.' },
  'report.methodology': { fr: 'Méthodologie', en: 'Methodology' },
  'report.sponsor': { fr: 'Commanditaire', en: 'Sponsor' },
  'report.conducted_by': { fr: 'Réalisation', en: 'Conducted by' },
  'report.population': { fr: 'Population', en: 'Population' },
  'report.field_dates': { fr: 'Terrain', en: 'Fieldwork' },
  'report.field_dates_value': { fr: 'du {start} au {end}', en: '{start} to {end}' },
  'report.method': { fr: 'Méthode', en: 'Method' },
  'report.sample_size': { fr: 'Échantillon', en: 'Sample' },
  'report.sample_size_value': { fr: '{n} répondants (questionnaires complets)', en: '{n} respondents (complete questionnaires)' },
  'report.weighting': { fr: 'Pondération', en: 'Weighting' },
  'report.unweighted': { fr: 'Aucune : résultats bruts.', en: 'None: unweighted results.' },
  'report.method_rake': { fr: 'Calage (raking)', en: 'Raking' },
  'report.method_poststratify': { fr: 'Post-stratification', en: 'Post-stratification' },
  'report.live_note': {
    fr: 'Chiffres calculés en direct à partir des réponses enregistrées ({source}).',
    en: 'Figures computed live from the stored responses ({source}).',
  },
  'report.print': { fr: 'Imprimer ou enregistrer en PDF', en: 'Print or save as PDF' },
  'report.by_segment': { fr: 'Selon « {question} » (pourcentages en colonne)', en: 'By “{question}” (column percentages)' },
  'report.base_short': { fr: 'Base', en: 'Base' },
  'report.segments': { fr: 'Segments', en: 'Segments' },
  'report.whole_sample': { fr: 'Ensemble', en: 'Whole sample' },
  'report.markers_note': {
    fr: 'Une lettre après un pourcentage signale qu’il est significativement plus élevé que celui de la colonne de cette lettre (majuscule : p < 0,01 ; minuscule : p < 0,05) ; la légende sous chaque tableau dit comment il a été testé.',
    en: 'A letter after a percentage means it is significantly higher than in the column with that letter (upper case: p < 0.01; lower case: p < 0.05); the legend under each table says how it was tested.',
  },
  'report.chart_label': { fr: 'Graphique : {question}', en: 'Chart: {question}' },

  'home.title': { fr: 'Enquêtes ouvertes', en: 'Open surveys' },
  'home.none': { fr: 'Aucune enquête ouverte pour le moment.', en: 'No survey is open right now.' },
  'home.results': { fr: 'Résultats (analystes)', en: 'Results (analysts)' },
  'home.console': { fr: 'Console des organisateurs et analystes (connexion)', en: 'Organizers’ and analysts’ console (sign in)' },
} as const satisfies Record<string, Record<InterfaceLanguage, string>>;

export type MessageKey = keyof typeof MESSAGES;
