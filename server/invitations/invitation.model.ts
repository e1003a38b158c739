import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// One panel member's invitation to one wave: their personal link (only its hash is stored), the
// mail sent about it, and whether they answered. The member's history per wave reads from here.
//
// Anonymous waves: the response holds no member or invitation id, and this document holds no
// response id; only `completed` is written, by a separate write at the completing submit, without
// a time (a time would let the two be matched up).
const invitationSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    panelId: { type: String, required: true },
    memberId: { type: String, required: true },
    /** sha256 of the personal token (32 random bytes, base64url); the token is only in the mail. */
    tokenHash: { type: String, required: true },
    /**
     * The same token sealed under the app's secret (sealed-token.ts): reminders carry the
     * invitation's own link, and the database alone still opens nothing.
     */
    tokenSealed: { type: String },
    /**
     * A sender's claim while it swaps in the token it is mailing (invitation.service.ts): two
     * sends at once never mail one invitation two different tokens. Expires, for a crashed sender.
     */
    sendingBy: { type: String },
    sendingUntil: { type: Date },
    /** When the invitation mail was queued; unset while the wave's invitations are not sent yet. */
    invitedAt: { type: Date },
    /** Reminders queued so far; the next is due reminderDays[remindersSent] days after invitedAt. */
    remindersSent: { type: Number, required: true, default: 0 },
    lastRemindedAt: { type: Date },
    /** The member's response, in an identified wave: resumed by their link from any device. */
    responseId: { type: String },
    /** The one complete response this token allows has been given. */
    completed: { type: Boolean, required: true, default: false },
    /** When, in an identified wave only. */
    completedAt: { type: Date },
    /**
     * A full quota cell turned the member away: they are not reminded and their link does not start
     * another response (which could answer the screening questions otherwise). No time, as `completed`.
     */
    screenedOut: { type: Boolean },
  },
  { timestamps: false, collection: 'invitations' },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ surveyId: 1, waveId: 1, memberId: 1 }, { unique: true });
invitationSchema.index({ surveyId: 1, panelId: 1, memberId: 1 });
// The reminder scheduler's scan, one step at a time: a wave's invitations not completed, with n
// reminders so far, invited before now − reminderDays[n]. Also the wave's counts.
invitationSchema.index({ surveyId: 1, waveId: 1, completed: 1, remindersSent: 1, invitedAt: 1 });
// A send's claim, read back by its owner.
invitationSchema.index({ sendingBy: 1 }, { sparse: true });

export type InvitationDocument = InferSchemaType<typeof invitationSchema>;
export const InvitationModel = mongoose.model('Invitation', invitationSchema);
