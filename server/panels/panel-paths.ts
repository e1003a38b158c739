// Where the console shows a survey's panels, a panel, one of its imports and one of its members.
import { surveyConsolePath } from '../waves/console-paths';

export function panelsPath(surveyId: string): string {
  return `${surveyConsolePath(surveyId)}/panels`;
}

export function panelPath(surveyId: string, panelId: string): string {
  return `${panelsPath(surveyId)}/${encodeURIComponent(panelId)}`;
}

export function panelImportPath(surveyId: string, panelId: string, importId: string): string {
  return `${panelPath(surveyId, panelId)}/imports/${encodeURIComponent(importId)}`;
}

export function panelMemberPath(surveyId: string, panelId: string, memberId: string): string {
  return `${panelPath(surveyId, panelId)}/members/${encodeURIComponent(memberId)}`;
}
