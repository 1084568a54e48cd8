// Records as the sample CRM stores and returns them. Ids are strings with a type prefix so a log line shows at a
// glance whether an id is a user, a contact or an activity.

export type ContactType = 'Contact' | 'Lead';
export type CallDirection = 'Inbound' | 'Outbound';

export interface CrmUser {
  id: string;
  name: string;
  /** Absent on purpose for some users: user auto-mapping must not match two missing emails. */
  email?: string;
}

export interface CrmContact {
  id: string;
  name: string;
  type: ContactType;
  /** As entered, in whatever format the person typing used; matching goes through E.164. */
  phones: string[];
  createdAt: string;
  lastActivityAt: string | null;
}

export interface CrmActivity {
  id: string;
  subject: string;
  /** The composed log details (text/plain, text/markdown or text/html); stored verbatim. */
  body: string;
  /** Free notes, appended to by `PATCH {appendNote}`. */
  note: string;
  ownerId: string;
  contactId: string | null;
  direction: CallDirection;
  startTime: string;
  endTime: string | null;
  duration: number;
  result: string;
  externalId: string;
  recordingUrl: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewUser {
  id?: string;
  name: string;
  email?: string;
}

export interface NewContact {
  id?: string;
  name: string;
  type?: ContactType;
  phones: string[];
  createdAt?: string;
  lastActivityAt?: string | null;
}

export interface SeedData {
  users?: NewUser[];
  contacts?: NewContact[];
}
