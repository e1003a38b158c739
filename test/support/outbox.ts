// Reading the outbox from tests: its stored messages, and waiting until they reach a state.
import mongoose from 'mongoose';
import type { OutgoingMail } from '../../server/mail/outbox.service';

export const TEST_SENDER = { from: 'Barometer Tests <barometer@tests.example.org>' };

export function outboxCollection() {
  return mongoose.connection.collection('mail_outbox');
}

/**
 * A bulk message numbered n, with the bulk-mail headers. Its purpose is 'other' and it names no
 * member, so the invitations feature's hooks (which cancel mail to unknown members) let it through.
 */
export function testMail(n: number, changes: Partial<OutgoingMail> = {}): OutgoingMail {
  return {
    key: `test:${n}`,
    purpose: 'other',
    to: { address: `member${n}@example.org`, name: `Member ${n}` },
    subject: `Invitation ${n}`,
    text: `Hello member ${n}`,
    html: `<p>Hello member ${n}</p>`,
    headers: { 'List-Unsubscribe': `<https://barometer.example.org/u/${n}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    about: { surveyId: 'captic_2011', waveId: '2011-03', invitationId: `i${n}` },
    ...changes,
  };
}

/** Reads `read` until `done` holds of what it returns (polling, no fixed waits); rejects after `timeoutMs`. */
export async function pollUntil<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`the outbox did not reach the expected state: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Polls the outbox until `done` holds of its counts by status. */
export function waitForOutbox(done: (counts: Record<string, number>) => boolean, timeoutMs = 10_000): Promise<Record<string, number>> {
  const counts = async () => {
    const rows = await outboxCollection().aggregate<{ _id: string; count: number }>([{ $group: { _id: '$status', count: { $sum: 1 } } }]).toArray();
    return Object.fromEntries(rows.map((row) => [row._id, row.count]));
  };
  return pollUntil(counts, done, timeoutMs);
}

/** Polls the outbox until `done` holds of the message stored under `key`. */
export function waitForOutboxMessage(key: string, done: (message: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
  return pollUntil(async () => (await outboxCollection().findOne({ key })) ?? {}, done, timeoutMs);
}

/** How many times each Message-ID was received, and the ids received more than once. */
export function duplicatesOf(messageIds: string[]): string[] {
  const seen = new Map<string, number>();
  for (const id of messageIds) seen.set(id, (seen.get(id) ?? 0) + 1);
  return [...seen].filter(([, count]) => count > 1).map(([id]) => id);
}
