// Sending a wave's invitations as a background job. Mailing a 50,000-member panel takes about a
// minute, past a proxy's timeout, so a send checks what can be refused at once (invitation.service
// checkSendable), records a send (invitation_sends), answers, and mails in the background of the
// process that took the request, reporting after every batch; the invitations page and the API
// read that record to show how far it got, then what it did.
//
// One running send per wave: the store refuses a second (a partial unique index), even from another
// process. A send whose process died stays "running" but silent: once it has been silent for
// STALLED_AFTER_MS (the app's clock) it is shown as interrupted, and sending again takes it over,
// freeing the invitations it held. Mailing is idempotent (each invitation is marked once, each mail
// queued under its key), so the new send carries on where the dead one stopped.
import { isValidObjectId } from 'mongoose';
import { recordAudit, type AuditActor } from '../audit/audit.service';
import { AppError, ConflictError, NotFoundError } from '../lib/errors';
import { hasStalled, stalledBefore } from '../lib/background-job';
import { InvitationSendModel } from './invitation-send.model';
import {
  createInvitationService,
  type InvitationDependencies,
  type SendableWave,
  type SendProgress,
  type SendProgressReport,
  type SentInvitations,
} from './invitation.service';
import { isDuplicateKey } from '../lib/duplicate-key';

export type SendStatus = 'running' | 'done' | 'failed';

export interface InvitationSend {
  id: string;
  surveyId: string;
  waveId: string;
  panelId: string;
  status: SendStatus;
  /** `toMail` is unknown while the invitations are being prepared. */
  progress: Omit<SendProgress, 'toMail'> & { toMail?: number };
  startedBy?: string;
  startedAt: Date;
  /** When the send last reported. */
  updatedAt: Date;
  finishedAt?: Date;
  error?: { message: string; code: string };
}

export interface StartedSend {
  send: InvitationSend;
  /** Settles when the send ends; rejects with what stopped it (the send records it too). */
  finished: Promise<SentInvitations>;
}

export interface StartSendOptions {
  /** Awaited after each progress report: a test holds a send in the middle with it. */
  onProgress?: (progress: Partial<SendProgress>) => Promise<void> | void;
}

const INTERRUPTED = {
  message: 'The send stopped before the end (the server restarted?): send again to finish; nobody is mailed twice',
  code: 'send_interrupted',
} as const;
const FAILED = { message: 'The send failed (the error is in the server log): send again to finish; nobody is mailed twice', code: 'send_failed' } as const;

type StoredSend = {
  _id: unknown;
  surveyId: string;
  waveId: string;
  panelId: string;
  status: SendStatus;
  progress: {
    members?: number | null;
    prepared?: number | null;
    toMail?: number | null;
    handled?: number | null;
    queued?: number | null;
    alreadyInvited?: number | null;
    skipped?: { unsubscribed?: number | null; bounced?: number | null } | null;
    at: Date;
  };
  startedBy?: string | null;
  startedAt: Date;
  finishedAt?: Date | null;
  error?: { message?: string | null; code?: string | null } | null;
};

/** A send silent for too long (a very slow store) was taken over: it stops, the other carries on. */
function takenOver(): ConflictError {
  return new ConflictError('Another send took this one over', 'send_taken_over');
}

function toSend(doc: StoredSend, now: Date): InvitationSend {
  const { progress } = doc;
  const interrupted = doc.status === 'running' && hasStalled(progress.at, now);
  const error = interrupted ? INTERRUPTED : doc.error?.message ? { message: doc.error.message, code: doc.error.code ?? FAILED.code } : undefined;
  return {
    id: String(doc._id),
    surveyId: doc.surveyId,
    waveId: doc.waveId,
    panelId: doc.panelId,
    status: interrupted ? 'failed' : doc.status,
    progress: {
      members: progress.members ?? 0,
      prepared: progress.prepared ?? 0,
      ...(typeof progress.toMail === 'number' ? { toMail: progress.toMail } : {}),
      handled: progress.handled ?? 0,
      queued: progress.queued ?? 0,
      alreadyInvited: progress.alreadyInvited ?? 0,
      skipped: { unsubscribed: progress.skipped?.unsubscribed ?? 0, bounced: progress.skipped?.bounced ?? 0 },
    },
    ...(doc.startedBy ? { startedBy: doc.startedBy } : {}),
    startedAt: doc.startedAt,
    updatedAt: progress.at,
    ...(doc.finishedAt ? { finishedAt: doc.finishedAt } : {}),
    ...(error ? { error } : {}),
  };
}

/** A send's progress fields as a $set on its record. */
function progressFields(progress: Partial<SendProgress>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(progress).map(([name, value]) => [`progress.${name}`, value]));
}

export function createInvitationSends(deps: InvitationDependencies) {
  const { clock, logger } = deps;
  const invitations = createInvitationService(deps);

  /** Marks the wave's running send failed if it has stalled, and frees what it held; its id, if so. */
  async function takeOverStalled(surveyId: string, waveId: string): Promise<string | undefined> {
    const now = clock.now();
    const stalled = await InvitationSendModel.findOneAndUpdate(
      { surveyId, waveId, status: 'running', 'progress.at': { $lt: stalledBefore(now) } },
      { $set: { status: 'failed', finishedAt: now, error: INTERRUPTED } },
      { projection: { _id: 1 } },
    ).lean<{ _id: unknown }>();
    if (!stalled) return undefined;
    const id = String(stalled._id);
    await invitations.releaseClaims(id);
    logger.warn({ surveyId, waveId, sendId: id }, 'an interrupted send of invitations is taken over');
    return id;
  }

  async function alreadyRunning(surveyId: string, waveId: string): Promise<AppError> {
    const running = await InvitationSendModel.findOne({ surveyId, waveId, status: 'running' }, { _id: 1, startedAt: 1, startedBy: 1 }).lean<{ _id: unknown; startedAt: Date; startedBy?: string }>();
    const by = running?.startedBy ? ` by ${running.startedBy}` : '';
    return new AppError(
      `The invitations of wave "${waveId}" are being sent (a send started${by} at ${running?.startedAt.toISOString() ?? 'a moment ago'}): wait until it ends`,
      409,
      'send_running',
      true,
      running ? { sendId: String(running._id) } : undefined,
    );
  }

  /**
   * Checks the wave (refusals come back at once, with nothing written), records a running send and
   * starts mailing in the background. Refused with 409 `send_running` while another send of the
   * wave runs; a send whose process died is taken over.
   */
  async function startSend(surveyId: string, waveId: string, actor: AuditActor, publicBase: string, options: StartSendOptions = {}): Promise<StartedSend> {
    const sendable = await invitations.checkSendable(surveyId, waveId);
    const { wave, panel } = sendable;
    const tookOver = await takeOverStalled(wave.surveyId, wave.waveId);
    const figures = await invitations.sendStartFigures(sendable);
    const now = clock.now();
    let created;
    try {
      created = await InvitationSendModel.create({
        surveyId: wave.surveyId,
        waveId: wave.waveId,
        panelId: panel.panelId,
        status: 'running',
        progress: { ...figures, prepared: 0, handled: 0, queued: 0, alreadyInvited: 0, at: now },
        ...(actor.actorEmail ? { startedBy: actor.actorEmail } : {}),
        startedAt: now,
        ...(tookOver ? { tookOver } : {}),
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw await alreadyRunning(wave.surveyId, wave.waveId);
      throw error;
    }
    const send = toSend(created.toObject() as StoredSend, now);
    return { send, finished: runSend(send, sendable, actor, publicBase, options) };
  }

  async function runSend(send: InvitationSend, sendable: SendableWave, actor: AuditActor, publicBase: string, options: StartSendOptions): Promise<SentInvitations> {
    const report: SendProgressReport = async (progress) => {
      const still = await InvitationSendModel.updateOne({ _id: send.id, status: 'running' }, { $set: { ...progressFields(progress), 'progress.at': clock.now() } });
      if (still.matchedCount === 0) throw takenOver();
      await options.onProgress?.(progress);
    };
    try {
      const result = await invitations.mailInvitations(sendable, publicBase, send.id, report);
      const finishedAt = clock.now();
      const ended = await InvitationSendModel.updateOne(
        { _id: send.id, status: 'running' },
        {
          $set: {
            status: 'done',
            finishedAt,
            'progress.at': finishedAt,
            'progress.skipped': { unsubscribed: result.skippedUnsubscribed, bounced: result.skippedBounced },
          },
        },
      );
      if (ended.matchedCount === 0) throw takenOver();
      const { surveyId, waveId, panelId } = send;
      await recordAudit({ ...actor, action: 'invitations_sent', surveyId, target: waveId, details: { panelId, sendId: send.id, ...result } }, logger);
      return result;
    } catch (error) {
      const failure = error instanceof AppError && error.expected ? { message: error.message, code: error.code } : FAILED;
      await InvitationSendModel.updateOne({ _id: send.id, status: 'running' }, { $set: { status: 'failed', finishedAt: clock.now(), error: failure } });
      throw error;
    }
  }

  /** Starts a send and waits for its end: the command line's and the tests' way. */
  async function sendInvitations(surveyId: string, waveId: string, actor: AuditActor, publicBase: string): Promise<SentInvitations> {
    return (await startSend(surveyId, waveId, actor, publicBase)).finished;
  }

  async function findSend(surveyId: string, waveId: string, sendId: string): Promise<InvitationSend> {
    const doc = isValidObjectId(sendId) ? await InvitationSendModel.findOne({ _id: sendId, surveyId, waveId }).lean<StoredSend>() : null;
    if (!doc) throw new NotFoundError(`Wave ${waveId} has no send ${sendId}`, 'send_not_found');
    return toSend(doc, clock.now());
  }

  /** The wave's latest send, if any. */
  async function latestSend(surveyId: string, waveId: string): Promise<InvitationSend | undefined> {
    const doc = await InvitationSendModel.findOne({ surveyId, waveId }).sort({ startedAt: -1, _id: -1 }).lean<StoredSend>();
    return doc ? toSend(doc, clock.now()) : undefined;
  }

  return { startSend, sendInvitations, findSend, latestSend };
}

export type InvitationSends = ReturnType<typeof createInvitationSends>;
