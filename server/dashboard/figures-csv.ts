// Stub: a question's figures as CSV, from the table the dashboard shows.
import type { QuestionView } from './dashboard.types';

export function questionFiguresCsv(_view: QuestionView): string {
  return '';
}
