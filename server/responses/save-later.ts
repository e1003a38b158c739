// What the "continue later" box shows: the resume link, and the way to mail it to oneself.
// Filled in by the resume-mail part.

export interface SaveLaterView {
  resumeUrl?: string;
}

export function saveLaterView(_surveyId: string, resumeUrl: string | undefined): SaveLaterView {
  return resumeUrl ? { resumeUrl } : {};
}
