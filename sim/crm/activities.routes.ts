import { Router } from 'express';
import { parseActivityPatch, parseNewActivity } from './activity-input.validation';
import { CrmHttpError } from './crm-http.error';
import type { ActivityFilter, CrmStore } from './crm.store';
import { idempotent } from './idempotency';

export function activitiesRouter(store: CrmStore): Router {
  const router = Router();

  router.post('/activities', (req, res) => {
    const request = idempotent(store, req, 'POST /activities');
    if (request.replayOf) {
      res.set('Idempotent-Replayed', 'true').status(200).json({ activity: store.getActivity(request.replayOf) });
      return;
    }
    const input = parseNewActivity(req.body);
    if (!store.getUser(input.ownerId)) {
      throw CrmHttpError.validation('ownerId', `no user with id ${input.ownerId}`);
    }
    if (input.contactId !== null && !store.getContact(input.contactId)) {
      throw CrmHttpError.validation('contactId', `no contact with id ${input.contactId}`);
    }
    const activity = store.createActivity(input);
    request.commit(activity.id);
    res.status(201).json({ activity });
  });

  router.get('/activities', (req, res) => {
    const filter: ActivityFilter = {};
    for (const field of ['externalId', 'ownerId', 'contactId'] as const) {
      const value = req.query[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') throw CrmHttpError.validation(field, `${field} must be given once`);
      filter[field] = value;
    }
    res.json({ activities: store.listActivities(filter) });
  });

  router.get('/activities/:id', (req, res) => {
    const activity = store.getActivity(req.params.id);
    if (!activity) throw CrmHttpError.notFound('activity');
    res.json({ activity });
  });

  router.patch('/activities/:id', (req, res) => {
    if (!store.getActivity(req.params.id)) throw CrmHttpError.notFound('activity');
    const activity = store.updateActivity(req.params.id, parseActivityPatch(req.body));
    res.json({ activity });
  });

  return router;
}
