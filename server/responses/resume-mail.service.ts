// "Email me this link": the respondent's resume link, queued in the outbox for an address they
// type. The address goes only into the outbox message (which the worker needs to send it): never
// on the response, so an anonymous survey stays anonymous; and once the message is sent or
// bounced, the outbox forgets the address and the link too (followResumeLinkMail). Every valid
// address gets exactly the same work and the same answer, so nothing here can tell one address
// from another.
import { randomUUID } from 'node:crypto';
import type { Config } from '../lib/config';
import type { Clock } from '../lib/clock';
import { ForbiddenError } from '../lib/errors';
import type { InterfaceLanguage } from '../lib/i18n/index';
import { checkedAddress } from '../mail/mail-address';
import { registerMailHooks, type QueuedMail } from '../mail/mail-hooks';
import { OutboxModel } from '../mail/outbox.model';
import { enqueueMail } from '../mail/outbox.service';
import { renderMail } from '../mail/render-mail';
import type { SurveyCatalog } from '../surveys/survey.catalog';
import { surveyTitle } from '../surveys/survey-titles';
import { findResponseByResumeToken } from './response.service';
import { resumeLink } from './resume-cookie';

export interface ResumeLinkRequest {
  surveyId: string;
  /** The browser's resume cookie: the link is made from it, and only a response in progress has one worth sending. */
  resumeToken: string | undefined;
  /** As typed; checked here (one address, no line break, at most 254 characters). */
  email: string;
  language: InterfaceLanguage;
  /** PUBLIC_URL, else the origin the request came to. */
  base: string;
}

export function createResumeMailService({ config, catalog, clock }: { config: Pick<Config, 'MAIL_FROM'>; catalog: SurveyCatalog; clock: Clock }) {
  return {
    /**
     * Queues the link. Refused, with nothing queued: no response in progress in this browser (403
     * no_response_in_progress: none, voided, complete or screened out) and an address the outbox
     * would refuse (422 invalid_email or header_injection).
     */
    async mailResumeLink(request: ResumeLinkRequest): Promise<void> {
      const now = clock.now();
      const response = request.resumeToken ? await findResponseByResumeToken(request.surveyId, request.resumeToken) : undefined;
      if (!response || !request.resumeToken || response.status !== 'partial') {
        throw new ForbiddenError('This browser has no response in progress for this survey', 'no_response_in_progress');
      }
      const address = checkedAddress(request.email, 'the email address');
      const { definition } = catalog.require(request.surveyId);
      const title = surveyTitle(definition, request.language);
      const rendered = await renderMail('resume_link', request.language, {
        surveyTitle: title,
        link: resumeLink(request.base, request.surveyId, request.resumeToken),
      });
      await enqueueMail(
        {
          // Each request is its own message (the rate limits bound how many); the key names the
          // response, never the token, so the outbox's keys open nothing.
          key: `resume_link:${response.id}:${randomUUID()}`,
          purpose: 'resume_link',
          to: { address },
          ...rendered,
          about: { surveyId: request.surveyId, waveId: response.waveId },
        },
        { from: config.MAIL_FROM },
        now,
      );
    },
  };
}

/** What a resume-link message holds once it has gone: nothing that names the respondent or opens their answers. */
export const FORGOTTEN_RECIPIENT = 'forgotten@resume-link.invalid';
const FORGOTTEN_BODY = '(The resume link and its recipient are erased once the message is sent or bounced.)';

/**
 * Erases a sent or bounced resume-link message's address and bodies: the outbox kept them only to
 * send it, and the admins' outbox page would otherwise tie a person's address to a link that opens
 * their answers. A message that failed keeps them, so that an admin can retry it.
 */
async function forgetResumeLink(mail: QueuedMail): Promise<void> {
  if (mail.purpose !== 'resume_link') return;
  await OutboxModel.updateOne(
    { _id: mail.id, purpose: 'resume_link', status: { $in: ['sent', 'bounced'] } },
    { $set: { 'to.address': FORGOTTEN_RECIPIENT, text: FORGOTTEN_BODY, html: `<p>${FORGOTTEN_BODY}</p>` }, $unset: { 'to.name': '' } },
  );
}

/** Registers, before the worker starts (server/background-work.ts), the erasure of resume links once sent. */
export function followResumeLinkMail(): void {
  registerMailHooks('resume-link', { sent: forgetResumeLink, bounced: forgetResumeLink });
}
