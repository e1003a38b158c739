import mongoose, { Schema } from 'mongoose';

export const TOKEN_SCOPES = ['read', 'manage'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

// A token a script sends as `Authorization: Bearer ...`. It acts as its user, never with more
// rights than the user has now, and a read token only reads. Only a SHA-256 of it is stored: the
// token is 32 random bytes, so a slow hash would add nothing.
const apiTokenSchema = new Schema(
  {
    userId: { type: Schema.Types.ObjectId, required: true },
    name: { type: String, required: true },
    scope: { type: String, enum: TOKEN_SCOPES, required: true },
    hash: { type: String, required: true },
    /** The first characters of the token, shown in the console so its owner can tell tokens apart. */
    prefix: { type: String, required: true },
    expiresAt: { type: Date, required: true },
    revokedAt: { type: Date },
    lastUsedAt: { type: Date },
  },
  { timestamps: { createdAt: true, updatedAt: false }, collection: 'api_tokens' },
);
apiTokenSchema.index({ hash: 1 }, { unique: true });
apiTokenSchema.index({ userId: 1, createdAt: -1 });

export const ApiTokenModel = mongoose.model('ApiToken', apiTokenSchema);
