import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// One send of a wave's invitations, run in the background of the process that took the request
// (invitation-send.service.ts): the console and the API answer at once and read how far it got
// from here. A running send reports after every batch (progress.at, on the app's clock); one
// silent for longer than the service's stall limit died with its process and may be taken over.
const invitationSendSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    panelId: { type: String, required: true },
    /** running → done | failed. A running send whose process died is shown as failed (interrupted). */
    status: { type: String, enum: ['running', 'done', 'failed'], required: true },
    progress: {
      /** Active members of the panel when the send started: the first step's end. */
      members: { type: Number, required: true, default: 0 },
      /** Members with an invitation to this wave so far (the first step). */
      prepared: { type: Number, required: true, default: 0 },
      /** Invitations not mailed yet when the second step began: its end; unset while preparing. */
      toMail: { type: Number },
      /** Invitations handled so far in the second step, and mails queued by this send. */
      handled: { type: Number, required: true, default: 0 },
      queued: { type: Number, required: true, default: 0 },
      /** Invitations this wave had already mailed when the send began. */
      alreadyInvited: { type: Number, required: true, default: 0 },
      skipped: {
        unsubscribed: { type: Number, required: true, default: 0 },
        bounced: { type: Number, required: true, default: 0 },
      },
      /** When the sender last reported, on the app's clock. */
      at: { type: Date, required: true },
    },
    /** Who started it (an email, or the command line's actor). */
    startedBy: { type: String },
    startedAt: { type: Date, required: true },
    finishedAt: { type: Date },
    /** Why it failed, as shown to the organizer; and its code. */
    error: { message: { type: String }, code: { type: String } },
    /** The running send this one took over when its process had died. */
    tookOver: { type: String },
  },
  { timestamps: false, collection: 'invitation_sends', minimize: false },
);
// At most one running send per wave: a second click is refused by the store itself, even from
// another process.
invitationSendSchema.index({ surveyId: 1, waveId: 1 }, { unique: true, partialFilterExpression: { status: 'running' }, name: 'one_running_send_per_wave' });
// The wave's latest sends, newest first (the invitations page and the API).
invitationSendSchema.index({ surveyId: 1, waveId: 1, startedAt: -1 });

export type InvitationSendDocument = InferSchemaType<typeof invitationSendSchema>;
export const InvitationSendModel = mongoose.model('InvitationSend', invitationSendSchema);
