import type { LoggingSettings } from '../accounts/logging-settings';
import type { CallLogRecord } from './call-log.types';

export interface FilterInput {
  leg: Pick<CallLogRecord, 'direction' | 'kind' | 'internal' | 'otherNumber' | 'rcExtensionId'>;
  /** The agent's extension number, and the other side's for internal calls (from the directory). */
  agentExtensionNumber?: string;
  otherExtensionNumber?: string;
  mode: 'account' | 'admin-only';
  adminExtensionId: string | null;
}

/**
 * The admin's filters, in a fixed order; returns the skip reason of the first that excludes the leg, or undefined
 * when the leg is admitted. Reasons are stable strings shown to admins and counted in metrics.
 */
export function filterLeg(input: FilterInput, filters: LoggingSettings['filters']): string | undefined {
  const { leg } = input;
  if (input.mode === 'admin-only' && leg.rcExtensionId !== input.adminExtensionId) return 'admin-only-mode';
  if (leg.internal && !filters.internal) return 'internal-calls-off';
  if (leg.kind === 'missed' && !filters.missed) return 'missed-calls-off';
  if (leg.kind === 'voicemail' && !filters.voicemail) return 'voicemail-off';
  if (leg.direction === 'Inbound' && !filters.inbound) return 'inbound-calls-off';
  if (leg.direction === 'Outbound' && !filters.outbound) return 'outbound-calls-off';
  if (leg.otherNumber && filters.blockedNumbers.some((n) => sameNumber(n, leg.otherNumber!))) return 'blocked-number';
  const extensions = [input.agentExtensionNumber, input.otherExtensionNumber].filter((e): e is string => !!e);
  if (extensions.some((e) => filters.blockedExtensions.includes(e))) return 'blocked-extension';
  return undefined;
}

function sameNumber(a: string, b: string): boolean {
  const digits = (s: string) => s.replace(/[^\d]/g, '');
  return digits(a) === digits(b);
}
