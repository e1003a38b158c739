import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// What the local mail catcher received (no SMTP_URL): every message the worker "sent", as the
// receiving end read it, for the console's outbox page. Nothing here ever leaves the machine.
const caughtMailSchema = new Schema(
  {
    /** With angle brackets, as sent; the same as the outbox message's messageId. */
    messageId: { type: String, required: true },
    from: { type: String, required: true },
    to: { type: [String], required: true },
    subject: { type: String, default: '' },
    text: { type: String, default: '' },
    html: { type: String, default: '' },
    /** Every header as received, by lower-cased name. */
    headers: { type: Schema.Types.Mixed, default: {} },
    size: { type: Number, required: true },
    receivedAt: { type: Date, required: true },
  },
  { collection: 'caught_mail', minimize: false },
);
caughtMailSchema.index({ messageId: 1 });

export type CaughtMailDocument = InferSchemaType<typeof caughtMailSchema>;
export const CaughtMailModel = mongoose.model('CaughtMail', caughtMailSchema);
