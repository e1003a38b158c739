// Where the console shows a survey and each of its waves: every staff page of a wave (its
// settings, fieldwork, quotas, changes) lives under the wave's address.

export function surveyConsolePath(surveyId: string): string {
  return `/admin/surveys/${encodeURIComponent(surveyId)}`;
}

export function waveConsolePath(surveyId: string, waveId: string): string {
  return `${surveyConsolePath(surveyId)}/waves/${encodeURIComponent(waveId)}`;
}
