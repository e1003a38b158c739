// A wave's invitations read in batches along _id, each with its members: a 10,000-member send or
// reminder run never holds the whole panel in memory, and a batch costs two indexed reads.
import type { Types } from 'mongoose';
import { findMembersByIds, type PanelMember } from '../panels/panel.service';
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
    yield { invitations, members: await findMembersByIds(invitations.map((i) => i.memberId)) };
  }
}
