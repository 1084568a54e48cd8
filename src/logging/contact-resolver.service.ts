import { Injectable } from '@nestjs/common';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { LoggingSettings } from '../accounts/logging-settings';
import { type ContactMatch, type ConnectorContext, type CrmConnector, phoneForms } from '../connectors';

const CACHE_TTL_MS = 5 * 60_000;
const CACHE_MAX = 20_000;

export type ContactResolution =
  | { contact: ContactMatch | undefined; decision: string; crmRequests: number }
  | { skip: string; decision: string; crmRequests: number };

/** Normalises a number to E.164 (US default region for national forms); undefined when it is not a phone number. */
export function toE164(number: string | null | undefined): string | undefined {
  if (!number) return undefined;
  const parsed = parsePhoneNumberFromString(number, 'US');
  return parsed?.isValid() ? parsed.number : undefined;
}

/**
 * The other party's number -> one CRM contact, under the admin's policies for no match and several matches. Matches
 * are cached per (account, number) for a few minutes: repeat callers cost no CRM lookup.
 */
@Injectable()
export class ContactResolver {
  private readonly cache = new Map<string, { at: number; matches: ContactMatch[] }>();

  async resolve(args: {
    connector: CrmConnector;
    ctx: ConnectorContext;
    authHeader: string;
    phoneNumber: string;
    policy: LoggingSettings['contactPolicy'];
    newContactName?: string;
    idempotencyKey: string;
  }): Promise<ContactResolution> {
    const { connector, ctx, authHeader, phoneNumber, policy } = args;
    let crmRequests = 0;
    const key = `${ctx.accountId}|${phoneNumber}`;
    const cached = this.cache.get(key);
    let matches: ContactMatch[];
    let source = 'cache';
    if (cached && Date.now() - cached.at < CACHE_TTL_MS) {
      matches = cached.matches;
    } else {
      source = 'crm';
      matches = [];
      for (const form of phoneForms(phoneNumber, connector.manifest(ctx.config).phoneNumberFormats ?? [])) {
        crmRequests++;
        matches = (await connector.findContact({ ctx, authHeader, phoneNumber: form })).filter((c) => c.id !== 'createNewContact');
        if (matches.length) break;
      }
      this.remember(key, matches);
    }

    if (matches.length === 1) return { contact: matches[0], decision: `one contact matched (${source})`, crmRequests };
    if (matches.length > 1) {
      const chosen = pick(matches, policy.multiMatch);
      if (!chosen) return { skip: 'several-contacts', decision: `${matches.length} contacts matched; policy "skip"`, crmRequests };
      return { contact: chosen, decision: `${matches.length} contacts matched; policy "${policy.multiMatch}" chose ${chosen.id} (${source})`, crmRequests };
    }
    const requiresContact = connector.manifest(ctx.config).requiresContact === true;
    const noMatch = policy.noMatch === 'logWithoutContact' && requiresContact ? (connector.createContact ? 'createContact' : 'skip') : policy.noMatch;
    switch (noMatch) {
      case 'skip':
        return { skip: 'no-contact', decision: requiresContact && policy.noMatch !== 'skip' ? 'no contact matched; the CRM requires one and cannot create it' : 'no contact matched; policy "skip"', crmRequests };
      case 'createContact': {
        if (!connector.createContact) return { contact: undefined, decision: 'no contact matched; connector cannot create contacts, logged without one', crmRequests };
        crmRequests++;
        const created = await connector.createContact({ ctx, authHeader, phoneNumber, newContactName: args.newContactName || phoneNumber, idempotencyKey: `contact:${args.idempotencyKey}` });
        this.remember(key, [created]);
        const why = policy.noMatch === 'createContact' ? '' : ' (the CRM requires a contact)';
        return { contact: created, decision: `no contact matched; created contact ${created.id}${why}`, crmRequests };
      }
      default:
        return { contact: undefined, decision: 'no contact matched; logged without a contact', crmRequests };
    }
  }

  private remember(key: string, matches: ContactMatch[]): void {
    if (this.cache.size >= CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    this.cache.delete(key);
    this.cache.set(key, { at: Date.now(), matches });
  }
}

function pick(matches: ContactMatch[], policy: LoggingSettings['contactPolicy']['multiMatch']): ContactMatch | undefined {
  const time = (s: string | undefined, missing: number) => (s ? Date.parse(s) : missing);
  switch (policy) {
    case 'skip':
      return undefined;
    case 'mostRecent':
      return [...matches].sort((a, b) => time(b.mostRecentActivityDate, -Infinity) - time(a.mostRecentActivityDate, -Infinity))[0];
    case 'earliestCreated':
      return [...matches].sort((a, b) => time(a.createdDate, Infinity) - time(b.createdDate, Infinity))[0];
    default:
      return matches[0];
  }
}
