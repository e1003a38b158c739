// A wave's invitations read in batches along _id, each with its members: a 10,000-member send or
// reminder run never holds the whole panel in memory, and a batch costs two indexed reads.
import type { Types } from 'mongoose';
import { PanelMemberModel } from '../panels/panel.model';
import { toMember, type PanelMember } from '../panels/panel.service';
import { InvitationModel } from './invitation.model';

const BATCH = 500;

export interface InvitationBatch<T> {
  invitations: T[];
  /** The batch's members by id; a member since removed is absent. */
  members: Map<string, PanelMember>;
}

export async function* invitationBatches<T extends { _id: Types.ObjectId; memberId: string }>(
  filter: Record<string, unknown>,
  projection: Record<string, 1>,
): AsyncGenerator<InvitationBatch<T>> {
  let after: Types.ObjectId | undefined;
  for (;;) {
    const invitations = await InvitationModel.find({ ...filter, ...(after ? { _id: { $gt: after } } : {}) }, { ...projection, _id: 1, memberId: 1 })
      .sort({ _id: 1 })
      .limit(BATCH)
      .lean<T[]>();
    if (invitations.length === 0) return;
    after = invitations.at(-1)!._id;
    const stored = await PanelMemberModel.find({ _id: { $in: invitations.map((i) => i.memberId) } }).lean<Array<Parameters<typeof toMember>[0]>>();
    yield { invitations, members: new Map(stored.map((doc) => toMember(doc)).map((m) => [m.id, m])) };
  }
}
