// MongoDB's duplicate-key error (E11000), and the one retry an upsert needs: two first writes of
// the same document at once both try to insert it; the loser fails on the unique index, and its
// retry finds the document and updates it. (mongod retries some of these itself since 4.2; not
// every deployment or store does.)
const DUPLICATE_KEY = 11000;

export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === DUPLICATE_KEY;
}

/** Runs an upsert, once more if it lost the race to insert its document. */
export async function upsertWithRetry<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
    return write();
  }
}
