// Mail templates: each language's wording, values escaped in the HTML part and left as typed in
// the text part, and a template that does not render refused by name.
import { expect } from 'chai';
import { mailLanguage, renderMail } from '../../../server/mail/render-mail';

const LOCALS = {
  surveyTitle: 'Les réseaux <sociaux>',
  memberName: 'Ana "A&B" Lima',
  link: 'https://survey.example.org/s/captic_2011/i/i_abc',
  closesOn: '31 mars 2027',
  senderName: 'Observatoire',
  postalAddress: '12 rue des Enquêtes, 75002 Paris',
  unsubscribeUrl: 'https://survey.example.org/u/65f0a1b2c3d4e5f601234567.sig',
};

describe('renderMail', () => {
  it('renders the invitation in French and in English, with every part a bulk mail needs', async () => {
    const fr = await renderMail('invitation', 'fr', LOCALS);
    const en = await renderMail('invitation', 'en', LOCALS);
    expect(fr.subject).to.equal('Les réseaux <sociaux> : votre invitation');
    expect(en.subject).to.equal('Les réseaux <sociaux>: your invitation');
    expect(fr.text).to.contain('Bonjour Ana "A&B" Lima,').and.contain('L’enquête ferme le 31 mars 2027.');
    expect(en.text).to.contain('Dear Ana "A&B" Lima,').and.contain('The survey closes on 31 mars 2027.');
    for (const mail of [fr, en]) {
      for (const part of [mail.text, mail.html]) {
        expect(part).to.contain(LOCALS.link).and.contain(LOCALS.unsubscribeUrl).and.contain(LOCALS.postalAddress).and.contain('Observatoire');
      }
    }
    expect(en.html).to.contain('Dear Ana &#34;A&amp;B&#34; Lima,').and.contain('Les réseaux &lt;sociaux&gt;').and.not.contain('<sociaux>');
    expect(en.html).to.match(/^<!doctype html>\n<html lang="en">/);
  });

  it('renders the reminder', async () => {
    const mail = await renderMail('reminder', 'en', { ...LOCALS, memberName: '' });
    expect(mail.subject).to.equal('Reminder: Les réseaux <sociaux>');
    expect(mail.text).to.match(/^Hello,\n\nWe have not received your answers/);
  });

  it('refuses a template that does not exist, lacks a subject or throws, naming it', async () => {
    for (const [template, locals] of [['no_such_mail', LOCALS], ['../accounts/sign-in', LOCALS], ['invitation', {}]] as const) {
      const error = await renderMail(template, 'fr', locals).then(
        () => undefined,
        (e: unknown) => e as { status: number; code: string; message: string },
      );
      expect(error, template).to.include({ status: 422, code: 'template_error' });
      expect(error?.message, template).to.contain(`"${template}"`);
    }
  });

  it('writes to a member in their language when the survey has it, else in the survey’s first', () => {
    expect(mailLanguage('en', ['fr', 'en'])).to.equal('en');
    expect(mailLanguage('de', ['fr', 'en'])).to.equal('fr');
    expect(mailLanguage('en', ['fr'])).to.equal('fr');
    expect(mailLanguage(undefined, ['en', 'fr'])).to.equal('en');
    expect(mailLanguage(undefined, ['de'])).to.equal('fr');
  });
});
