// Stub: the dashboard's header, the wave's fieldwork at a glance.
import type { InterfaceLanguage } from '../lib/i18n/index';
import type { ChartSpec, DashboardHeader } from './dashboard.types';

export async function readWaveActivity(_wave: { surveyId: string; waveId: string }, _timeZone: string, _now: Date): Promise<DashboardHeader> {
  return { completes: 0, partials: 0, screenedOut: 0, completionRate: null, today: 0, perDay: [], lastCompletedAt: null };
}

export function activityChart(_header: DashboardHeader, _lang: InterfaceLanguage): ChartSpec {
  return { type: 'trend', unit: 'count', labels: [], series: [], annotations: [], title: '' };
}
