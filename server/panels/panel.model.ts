import mongoose, { Schema, type InferSchemaType } from 'mongoose';

// A panel is a survey's list of people invited wave after wave (CAP-TIC's professionals, say).
// It belongs to one survey, so its attributes can be checked against that survey's questions.
const panelSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    /** URL-safe name, unique within the survey: "members", "pros-2011". */
    panelId: { type: String, required: true, match: /^[a-z0-9][a-z0-9_-]*$/ },
    name: { type: String, required: true },
    createdBy: { type: String },
  },
  { timestamps: true, collection: 'panels' },
);
panelSchema.index({ surveyId: 1, panelId: 1 }, { unique: true });

export type PanelDocument = InferSchemaType<typeof panelSchema>;
export const PanelModel = mongoose.model('Panel', panelSchema);

// One person on a panel. The email is stored as typed and compared by `emailKey` (trimmed,
// lower-cased), so "Ana@X.fr" and "ana@x.fr " are one member.
const panelMemberSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    panelId: { type: String, required: true },
    email: { type: String, required: true },
    emailKey: { type: String, required: true },
    name: { type: String },
    /** The language their mail and survey are in; else the survey's first. */
    language: { type: String },
    /**
     * Attribute columns of the import, by column name. A column named like a single-choice question
     * of the survey (company_size) holds one of its option ids, checked at import: it is known for
     * invited respondents, who need not be asked again.
     */
    attributes: { type: Schema.Types.Mixed, default: {} },
    /**
     * The member's design weight (a positive number), from the import's weight column: copied to
     * their response when they start it, so a later change leaves past responses as they were
     * (docs/design-weights.md). Absent means 1.
     */
    weight: { type: Number },
    /** Set once, by the member's unsubscribe link: no wave of this panel mails them again. */
    unsubscribedAt: { type: Date },
    /** Set when a server refused a message for good (5xx): not mailed again. */
    bouncedAt: { type: Date },
    bounceReason: { type: String },
  },
  { timestamps: true, collection: 'panel_members', minimize: false },
);
panelMemberSchema.index({ surveyId: 1, panelId: 1, emailKey: 1 }, { unique: true });
panelMemberSchema.index({ surveyId: 1, panelId: 1, _id: 1 });

export type PanelMemberDocument = InferSchemaType<typeof panelMemberSchema>;
export const PanelMemberModel = mongoose.model('PanelMember', panelMemberSchema);
