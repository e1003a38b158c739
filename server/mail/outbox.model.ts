import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { MAIL_PURPOSES } from './mail-hooks';

// The durable outbox: every message the app sends is first a document here, and only the mail
// worker (mail-worker.ts) hands it to SMTP. A message is written once, under an idempotency key,
// so asking twice to send "the invitation of member M to wave W" queues one message.
//
//   queued ──claim──▶ sending (leaseOwner, leaseUntil) ──250──▶ sent
//     ▲                  │  temporary failure (4xx, connection): back to queued at nextAttemptAt
//     └──────────────────┤  5xx about the address (5.1.x, 5.2.1, 5.4.x, bare to RCPT TO): bounced
//                        │  5xx about the message or sender (5.7.x policy, DMARC, size): failed
//                        │  too many attempts: failed
//                        └  cancelled: a check before sending said it is no longer wanted
// A lease that expires (its worker crashed) lets another worker claim the message again; the
// retry keeps the same Message-ID, so a receiving server can tell it is the same message.
const outboxSchema = new Schema(
  {
    /** The idempotency key, e.g. "invitation:<invitation id>" or "reminder:<invitation id>:2". */
    key: { type: String, required: true },
    /** Stable across retries: "<sha256 of the key>@<mail domain>". */
    messageId: { type: String, required: true },
    purpose: { type: String, enum: MAIL_PURPOSES, required: true },
    to: { address: { type: String, required: true }, name: { type: String } },
    from: { address: { type: String, required: true }, name: { type: String } },
    replyTo: { type: String },
    subject: { type: String, required: true },
    text: { type: String, required: true },
    html: { type: String, required: true },
    /** Extra headers, already checked for CR/LF: List-Unsubscribe, List-Unsubscribe-Post. */
    headers: { type: Schema.Types.Mixed, default: {} },
    /** What the message is about, for the hooks that run on a bounce or before sending. */
    about: {
      surveyId: { type: String },
      waveId: { type: String },
      panelId: { type: String },
      memberId: { type: String },
      invitationId: { type: String },
      userId: { type: String },
    },
    status: { type: String, enum: ['queued', 'sending', 'sent', 'failed', 'bounced', 'cancelled'], required: true, default: 'queued' },
    /** Not sent before this time (a retry's backoff, a reminder held back by quiet hours). */
    nextAttemptAt: { type: Date, required: true },
    attempts: { type: Number, required: true, default: 0 },
    /** Which worker holds the message while it is sending, and until when. */
    leaseOwner: { type: String },
    leaseUntil: { type: Date },
    lastError: { type: String },
    /** The SMTP server's answer to the message that was accepted or refused. */
    smtpResponse: { type: String },
    sentAt: { type: Date },
    /** The worker that sent it (its lease owner: host:pid:random), to tell workers apart. */
    sentBy: { type: String },
    finishedAt: { type: Date },
  },
  { timestamps: true, collection: 'mail_outbox', minimize: false },
);
outboxSchema.index({ key: 1 }, { unique: true });
// The worker's claim: the oldest due queued message, or a sending one whose lease expired.
outboxSchema.index({ status: 1, nextAttemptAt: 1 });
outboxSchema.index({ status: 1, leaseUntil: 1 });
outboxSchema.index({ 'about.surveyId': 1, 'about.waveId': 1, purpose: 1, status: 1 });
outboxSchema.index({ createdAt: -1 });
// A panel member's history (invitations/member-history.service.ts): their messages, oldest first.
outboxSchema.index({ 'about.memberId': 1, createdAt: 1 });

export type OutboxDocument = InferSchemaType<typeof outboxSchema>;
export const OutboxModel = mongoose.model('OutboxMessage', outboxSchema);
