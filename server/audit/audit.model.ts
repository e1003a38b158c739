import mongoose, { Schema } from 'mongoose';

// Who did what, kept apart from the data it is about so that deleting an account or a wave leaves
// its history readable. Events are only ever inserted.
const auditSchema = new Schema(
  {
    at: { type: Date, required: true },
    action: { type: String, required: true },
    /** The account that acted (its email at the time), or none for a failed sign-in or the command line. */
    actorId: { type: Schema.Types.ObjectId },
    actorEmail: { type: String },
    /** 'session', 'token' or 'cli'. */
    via: { type: String },
    ip: { type: String },
    surveyId: { type: String },
    /** What the action was about (an account's email, a wave id, a token's name). */
    target: { type: String },
    details: { type: Schema.Types.Mixed },
  },
  { collection: 'audit_events', versionKey: false },
);
// Pages read newest first by (time, id): each filter's index ends with both.
auditSchema.index({ at: -1, _id: -1 });
auditSchema.index({ action: 1, at: -1, _id: -1 });
auditSchema.index({ actorEmail: 1, at: -1, _id: -1 });
auditSchema.index({ surveyId: 1, at: -1, _id: -1 });

export const AuditEventModel = mongoose.model('AuditEvent', auditSchema);
