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
    /** When the store deletes it (a TTL index): a wall-clock time, as the store's TTL monitor runs on the wall clock. */
    purgeAt: { type: Date, required: true },
  },
  { collection: 'caught_mail', minimize: false },
);
caughtMailSchema.index({ messageId: 1 });
// The catcher keeps every message the worker sends (a 10,000-member wave is 10,000 documents):
// without an end, caught_mail would grow for as long as the app runs without SMTP_URL.
caughtMailSchema.index({ purgeAt: 1 }, { expireAfterSeconds: 0 });

export type CaughtMailDocument = InferSchemaType<typeof caughtMailSchema>;
export const CaughtMailModel = mongoose.model('CaughtMail', caughtMailSchema);
