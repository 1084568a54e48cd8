import { Router } from 'express';
import { CrmHttpError } from './crm-http.error';
import type { CrmStore } from './crm.store';

/** The CRM's users (record owners) and who the API key belongs to (a connector's "test connection" call). */
export function usersRouter(store: CrmStore): Router {
  const router = Router();

  router.get('/me', (_req, res) => {
    res.json({ account: { id: 'sample-crm', name: 'Sample CRM', timezone: 'UTC' } });
  });

  router.get('/users', (_req, res) => {
    res.json({ users: store.listUsers() });
  });

  router.get('/users/:id', (req, res) => {
    const user = store.getUser(req.params.id);
    if (!user) throw CrmHttpError.notFound('user');
    res.json({ user });
  });

  return router;
}
