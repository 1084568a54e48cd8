export { applyPartyEvent } from './apply-party-event';
export {
  AGENT_EXTENSION_KINDS,
  FIRST_SEQUENCE,
  detectEndedLeg,
  sequencesComplete,
  type DetectEndedLegOptions,
} from './detect-ended-leg';
export type { EndedLeg, EndedLegKind, LegSkip, LegSkipReason } from './ended-leg.types';
export { foldNotifications, partyStateKey, sessionPartyStates, type FoldOptions } from './fold-notifications';
export type { ApplyPartyEventResult, PartyHistoryEntry, PartyState } from './party-state.types';
export { isSessionQuiet } from './session-quiet';
export { CONTINUATION_REASONS, HAND_OVER_REASONS, TAKEN_BY_ANOTHER_AGENT_REASONS, isFinalStatus, isUnknownStatus, mayEndWhenQuiet } from './status-rules';
