import mongoose, { Schema } from 'mongoose';
import { INTERFACE_LANGUAGES } from '../lib/i18n/messages';

export const ROLES = ['admin', 'organizer', 'analyst'] as const;
export type Role = (typeof ROLES)[number];

// A staff account. Respondents have none: they are known only by their response's resume link.
const userSchema = new Schema(
  {
    /** Lower-cased; the sign-in name. */
    email: { type: String, required: true },
    name: { type: String, default: '' },
    role: { type: String, enum: ROLES, required: true },
    /** The surveys an organizer runs or an analyst reads. An admin sees all and needs none. */
    grants: { type: [String], default: [] },
    /** scrypt, with its parameters (see password.ts); absent until the one-time link is used. */
    passwordHash: { type: String },
    /** The one-time link that sets a password: only its SHA-256 is kept. */
    passwordLink: {
      type: new Schema({ hash: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { _id: false }),
    },
    disabledAt: { type: Date },
    /**
     * Sessions remember the generation they were opened in. Raising it ("sign out everywhere",
     * a new password, disabling the account) ends every session opened before.
     */
    sessionGeneration: { type: Number, default: 0 },
    lastSignInAt: { type: Date },
    /** The interface language of the last sign-in: mail to the account (a password link) is written in it. */
    language: { type: String, enum: INTERFACE_LANGUAGES },
  },
  { timestamps: true, collection: 'users' },
);
userSchema.index({ email: 1 }, { unique: true });
userSchema.index({ 'passwordLink.hash': 1 }, { unique: true, partialFilterExpression: { 'passwordLink.hash': { $exists: true } } });

export const UserModel = mongoose.model('User', userSchema);
