/** The admin's logging choices, stored in accounts.settings (defaults fill anything not set). */
export interface LoggingSettings {
  /** `agent`: the mapped CRM user owns the record (the admin's CRM user when unmapped); `admin`: always the admin's. */
  ownerPolicy: 'agent' | 'admin';
  adminCrmUserId?: string;
  filters: {
    inbound: boolean;
    outbound: boolean;
    internal: boolean;
    missed: boolean;
    voicemail: boolean;
    /** E.164 numbers whose calls are never logged. */
    blockedNumbers: string[];
    /** Extension numbers (agents', or the other side of internal calls) never logged. */
    blockedExtensions: string[];
  };
  contactPolicy: {
    noMatch: 'skip' | 'logWithoutContact' | 'createContact';
    multiMatch: 'first' | 'mostRecent' | 'earliestCreated' | 'skip';
  };
  logMode: 'staged' | 'single';
  logDetails: Record<LogDetailSection, boolean>;
}

export const LOG_DETAIL_SECTIONS = ['subject', 'direction', 'contactNumber', 'agent', 'dateTime', 'duration', 'result', 'recording', 'sessionId'] as const;
export type LogDetailSection = (typeof LOG_DETAIL_SECTIONS)[number];

export const DEFAULT_LOGGING_SETTINGS: LoggingSettings = {
  ownerPolicy: 'agent',
  filters: { inbound: true, outbound: true, internal: false, missed: true, voicemail: true, blockedNumbers: [], blockedExtensions: [] },
  contactPolicy: { noMatch: 'logWithoutContact', multiMatch: 'first' },
  logMode: 'staged',
  logDetails: { subject: true, direction: true, contactNumber: true, agent: true, dateTime: true, duration: true, result: true, recording: true, sessionId: false },
};

/** Stored settings over the defaults, one level deep for the nested groups. */
export function resolveLoggingSettings(stored: Record<string, unknown> | undefined): LoggingSettings {
  const s = (stored ?? {}) as Partial<LoggingSettings>;
  return {
    ...DEFAULT_LOGGING_SETTINGS,
    ...s,
    filters: { ...DEFAULT_LOGGING_SETTINGS.filters, ...(s.filters ?? {}) },
    contactPolicy: { ...DEFAULT_LOGGING_SETTINGS.contactPolicy, ...(s.contactPolicy ?? {}) },
    logDetails: { ...DEFAULT_LOGGING_SETTINGS.logDetails, ...(s.logDetails ?? {}) },
  };
}
