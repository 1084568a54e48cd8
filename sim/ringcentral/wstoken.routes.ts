import { Router } from 'express';
import { platformRoute, principalOf } from './http-support';
import type { SimState } from './sim-state';
import { WS_PATH } from './ws-gateway';

/**
 * `POST /restapi/oauth/wstoken` (Bearer access token, Auth group, app permission WebSocketsSubscription): the ws token
 * and the gateway address a WebSocket client connects to, `{ uri, ws_access_token, expires_in }` (docs/ringcentral.md §2.4).
 */
export function wstokenRoutes(state: SimState): Router {
  const router = Router();
  router.post('/restapi/oauth/wstoken', ...platformRoute(state, 'POST /restapi/oauth/wstoken', 'auth', 'WebSocketsSubscription'), (req, res) => {
    const issued = state.websockets.issueToken(principalOf(res), state.now());
    res.setHeader('Cache-Control', 'no-store');
    res.json({ uri: `${req.protocol === 'https' ? 'wss' : 'ws'}://${req.get('host')}${WS_PATH}`, ws_access_token: issued.token, expires_in: issued.expiresIn });
  });
  return router;
}
