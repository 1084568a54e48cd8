import { Router } from 'express';
import { CrmHttpError } from './crm-http.error';
import type { CrmStore } from './crm.store';
import type { ContactType } from './crm.types';
import { idempotent } from './idempotency';
import { toE164 } from './phone-number.util';

export function contactsRouter(store: CrmStore): Router {
  const router = Router();

  // `phone` in any format matches by E.164, so "650-555-0101" finds a contact saved as "+1 (650) 555-0101".
  // Several matches are returned in creation order; picking one is the caller's policy, not the CRM's.
  router.get('/contacts', (req, res) => {
    const phone = queryText(req.query.phone, 'phone');
    const name = queryText(req.query.name, 'name');
    if (phone !== undefined) {
      const e164 = toE164(phone);
      if (!e164) throw CrmHttpError.validation('phone', `${phone} is not a phone number`);
      const byPhone = store.findContactsByPhone(e164);
      const needle = name?.toLowerCase();
      res.json({ contacts: needle ? byPhone.filter((c) => c.name.toLowerCase().includes(needle)) : byPhone });
      return;
    }
    res.json({ contacts: name !== undefined ? store.findContactsByName(name) : store.listContacts() });
  });

  router.get('/contacts/:id', (req, res) => {
    const contact = store.getContact(req.params.id);
    if (!contact) throw CrmHttpError.notFound('contact');
    res.json({ contact });
  });

  // Answers the contact itself (not wrapped), the shape App Connect's proxy sample maps with `body.id`.
  router.post('/contacts', (req, res) => {
    const request = idempotent(store, req, 'POST /contacts');
    if (request.replayOf) {
      res.set('Idempotent-Replayed', 'true').status(200).json(store.getContact(request.replayOf));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const name = typeof body.name === 'string' ? body.name.trim() : '';
    if (!name) throw CrmHttpError.validation('name', 'name is required');
    if (typeof body.phone !== 'string' || !toE164(body.phone)) {
      throw CrmHttpError.validation('phone', 'phone must be a phone number');
    }
    const contact = store.addContact({ name, phones: [body.phone], type: contactType(body.type) });
    request.commit(contact.id);
    res.status(201).json(contact);
  });

  return router;
}

function queryText(value: unknown, field: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw CrmHttpError.validation(field, `${field} must be given once`);
  return value;
}

/** Proxy templates render a missing type as "", which means the default. */
function contactType(value: unknown): ContactType {
  if (value === undefined || value === null || value === '') return 'Contact';
  if (value === 'Contact' || value === 'Lead') return value;
  throw CrmHttpError.validation('type', 'type must be Contact or Lead');
}
