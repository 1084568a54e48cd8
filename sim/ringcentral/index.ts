export { RingCentralSim, startRingCentralSim, type SubscriptionSnapshot } from './ringcentral-sim';
export type { PlayRandomOptions, ReplayOptions } from './scenario-engine';
export type { DeliveryListener, DeliveryRecord } from './notification-dispatcher';
export { SCENARIO_NAMES, DEFAULT_MIX } from './scenarios';
export {
  DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SCOPES,
  type Clock, type RateLimitGroup, type RateLimitRule, type RingCentralSimOptions, type RingCentralSimOptionsInput,
  type SimKnobs, type SimKnobsPatch,
} from './sim-options';
export type { SimStats } from './stats';
export type { WebSocketSnapshot } from './ws-gateway';
export type * from './sim-types';
