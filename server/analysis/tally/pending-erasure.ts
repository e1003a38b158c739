// The marker of an erasure whose followers have not all run. A voided or completed response keeps
// its marker on itself (`followersPending`, written in the same write); an erased one is gone, so
// its marker is written here before it goes and removed once its followers have run. A crash in
// between leaves it for the counter sweep (counter-sweep.ts), which rebuilds the wave.
import mongoose, { Schema } from 'mongoose';

const pendingErasureSchema = new Schema(
  {
    surveyId: { type: String, required: true },
    waveId: { type: String, required: true },
    responseId: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'pending_erasures', versionKey: false },
);
pendingErasureSchema.index({ at: 1 });
pendingErasureSchema.index({ surveyId: 1, waveId: 1 });

const PendingErasureModel = mongoose.model('PendingErasure', pendingErasureSchema);

export interface PendingErasure {
  id: string;
  surveyId: string;
  waveId: string;
  responseId: string;
  at: Date;
}

interface PendingErasureRecord {
  _id: mongoose.Types.ObjectId;
  surveyId: string;
  waveId: string;
  responseId: string;
  at: Date;
}

function toPendingErasure(doc: PendingErasureRecord): PendingErasure {
  return { id: doc._id.toHexString(), surveyId: doc.surveyId, waveId: doc.waveId, responseId: doc.responseId, at: doc.at };
}

export async function notePendingErasure(response: { id: string; surveyId: string; waveId: string }): Promise<PendingErasure> {
  const doc = await PendingErasureModel.create({ surveyId: response.surveyId, waveId: response.waveId, responseId: response.id, at: new Date() });
  return toPendingErasure(doc.toObject() as PendingErasureRecord);
}

/** Removes the marker; false when it was gone already (a sweep counted the erasure). */
export async function clearPendingErasure(id: string): Promise<boolean> {
  return (await PendingErasureModel.deleteOne({ _id: id })).deletedCount === 1;
}

export async function isErasurePending(id: string): Promise<boolean> {
  return (await PendingErasureModel.exists({ _id: id })) !== null;
}

/** The waves with an erasure marked at or before `cutoff`. */
export async function wavesWithErasuresBefore(cutoff: Date): Promise<Array<{ surveyId: string; waveId: string }>> {
  const docs = await PendingErasureModel.find({ at: { $lte: cutoff } }, { surveyId: 1, waveId: 1, _id: 0 }).lean<Array<{ surveyId: string; waveId: string }>>();
  return docs;
}

export async function pendingErasuresOf(surveyId: string, waveId: string): Promise<PendingErasure[]> {
  return (await PendingErasureModel.find({ surveyId, waveId }).lean<PendingErasureRecord[]>()).map(toPendingErasure);
}
