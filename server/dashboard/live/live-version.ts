// Stub: each wave's live version, bumped with every change to its figures.
export async function bumpLiveVersion(_surveyId: string, _waveId: string): Promise<void> {}
