import { toE164 } from './phone-number.util';
import type { CrmActivity, CrmContact, CrmUser, NewContact, NewUser } from './crm.types';

/** Validated input of a new activity (see activity-input.validation.ts). */
export type ActivityInput = Omit<CrmActivity, 'id' | 'note' | 'createdAt' | 'updatedAt'> & { note?: string };

export type ActivityPatch = Partial<Pick<CrmActivity, 'subject' | 'body' | 'duration' | 'result' | 'recordingUrl' | 'endTime' | 'note'>> & {
  appendNote?: string;
};

export interface ActivityFilter {
  externalId?: string;
  ownerId?: string;
  contactId?: string;
}

interface IdempotencyRecord {
  fingerprint: string;
  resourceId: string;
}

/**
 * The CRM's data, in memory. Every method is synchronous: with Node's single thread that makes each write atomic,
 * which is what lets two concurrent requests with one Idempotency-Key resolve to a single record.
 */
export class CrmStore {
  private readonly users = new Map<string, CrmUser>();
  private readonly contacts = new Map<string, CrmContact>();
  /** E.164 -> contact ids, in insertion order (duplicates by number are expected). */
  private readonly phoneIndex = new Map<string, string[]>();
  private readonly activityMap = new Map<string, CrmActivity>();
  private readonly idempotency = new Map<string, IdempotencyRecord>();
  private nextActivity = 1;

  constructor(private readonly now: () => Date = () => new Date()) {}

  addUser(input: NewUser): CrmUser {
    if (!input.name?.trim()) throw new Error('a user needs a name');
    const id = input.id ?? this.freeId('usr_', 1001, this.users);
    if (this.users.has(id)) throw new Error(`user ${id} already exists`);
    const user: CrmUser = input.email ? { id, name: input.name, email: input.email } : { id, name: input.name };
    this.users.set(id, user);
    return { ...user };
  }

  addContact(input: NewContact): CrmContact {
    if (!input.name?.trim()) throw new Error('a contact needs a name');
    if (!input.phones?.length) throw new Error(`contact ${input.name} needs at least one phone`);
    const numbers = input.phones.map((raw) => {
      const e164 = toE164(raw);
      if (!e164) throw new Error(`contact ${input.name}: ${raw} is not a phone number`);
      return e164;
    });
    const id = input.id ?? this.freeId('con_', 2001, this.contacts);
    if (this.contacts.has(id)) throw new Error(`contact ${id} already exists`);
    const contact: CrmContact = {
      id,
      name: input.name,
      type: input.type ?? 'Contact',
      phones: [...input.phones],
      createdAt: input.createdAt ?? this.now().toISOString(),
      lastActivityAt: input.lastActivityAt ?? null,
    };
    this.contacts.set(id, contact);
    for (const e164 of new Set(numbers)) this.phoneIndex.set(e164, [...(this.phoneIndex.get(e164) ?? []), id]);
    return structuredClone(contact);
  }

  listUsers(): CrmUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  getUser(id: string): CrmUser | undefined {
    const user = this.users.get(id);
    return user && { ...user };
  }

  listContacts(): CrmContact[] {
    return [...this.contacts.values()].map((c) => structuredClone(c));
  }

  getContact(id: string): CrmContact | undefined {
    const contact = this.contacts.get(id);
    return contact && structuredClone(contact);
  }

  findContactsByPhone(e164: string): CrmContact[] {
    return (this.phoneIndex.get(e164) ?? []).map((id) => structuredClone(this.contacts.get(id)!));
  }

  findContactsByName(text: string): CrmContact[] {
    const needle = text.trim().toLowerCase();
    return this.listContacts().filter((c) => c.name.toLowerCase().includes(needle));
  }

  createActivity(input: ActivityInput): CrmActivity {
    const at = this.now().toISOString();
    const id = `act_${String(this.nextActivity++).padStart(6, '0')}`;
    const activity: CrmActivity = { ...input, id, note: input.note ?? '', createdAt: at, updatedAt: at };
    this.activityMap.set(id, activity);
    const contact = input.contactId ? this.contacts.get(input.contactId) : undefined;
    if (contact) contact.lastActivityAt = at;
    return { ...activity };
  }

  getActivity(id: string): CrmActivity | undefined {
    const activity = this.activityMap.get(id);
    return activity && { ...activity };
  }

  updateActivity(id: string, patch: ActivityPatch): CrmActivity | undefined {
    const activity = this.activityMap.get(id);
    if (!activity) return undefined;
    const { appendNote, ...fields } = patch;
    Object.assign(activity, fields);
    if (appendNote) activity.note = activity.note ? `${activity.note}\n${appendNote}` : appendNote;
    activity.updatedAt = this.now().toISOString();
    return { ...activity };
  }

  listActivities(filter: ActivityFilter = {}): CrmActivity[] {
    return [...this.activityMap.values()]
      .filter((a) => filter.externalId === undefined || a.externalId === filter.externalId)
      .filter((a) => filter.ownerId === undefined || a.ownerId === filter.ownerId)
      .filter((a) => filter.contactId === undefined || a.contactId === filter.contactId)
      .map((a) => ({ ...a }));
  }

  recallIdempotent(key: string): IdempotencyRecord | undefined {
    return this.idempotency.get(key);
  }

  rememberIdempotent(key: string, record: IdempotencyRecord): void {
    this.idempotency.set(key, record);
  }

  /** Forget everything: the server re-seeds its start-time data after this. */
  clear(): void {
    this.users.clear();
    this.contacts.clear();
    this.phoneIndex.clear();
    this.activityMap.clear();
    this.idempotency.clear();
    this.nextActivity = 1;
  }

  private freeId(prefix: string, from: number, taken: Map<string, unknown>): string {
    let n = from;
    while (taken.has(`${prefix}${n}`)) n++;
    return `${prefix}${n}`;
  }
}
