import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// The import keys of responses erased at the respondent's request: the key only, never an answer.
// Erasing deletes the response and with it the key that told the importer the record was already
// in; without this tombstone, importing the same file again would bring the erased person back.
const erasedImportKeySchema = new Schema(
  {
    surveyId: { type: String, required: true },
    /** The erased response's import key (`external_id:…`, `response_id:…` or `sha256:…`). */
    importKey: { type: String, required: true },
    erasedAt: { type: Date, required: true },
  },
  { collection: 'erased_import_keys', versionKey: false },
);
// One tombstone per key; the importer looks keys up by survey.
erasedImportKeySchema.index({ surveyId: 1, importKey: 1 }, { unique: true });

export type ErasedImportKeyDocument = InferSchemaType<typeof erasedImportKeySchema>;
export const ErasedImportKeyModel = mongoose.model('ErasedImportKey', erasedImportKeySchema);

/** Keeps the key of an erased imported response; keeping it twice keeps the first date. */
export async function recordErasedImportKey(surveyId: string, importKey: string, erasedAt: Date): Promise<void> {
  await ErasedImportKeyModel.updateOne({ surveyId, importKey }, { $setOnInsert: { erasedAt } }, { upsert: true });
}
