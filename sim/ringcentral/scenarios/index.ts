import type { ScenarioName } from '../sim-types';
import { conference } from './conference.scenario';
import { inboundAnswered, inboundIvr, missed, voicemail } from './inbound.scenarios';
import { internal, outboundAnswered, outboundUnanswered } from './outbound.scenarios';
import { queueCall } from './queue.scenario';
import type { Scenario } from './scenario-context';
import { blindTransfer, warmTransfer } from './transfer.scenarios';

export const SCENARIOS: Record<ScenarioName, Scenario> = {
  'inbound-answered': inboundAnswered,
  'inbound-ivr': inboundIvr,
  'outbound-answered': outboundAnswered,
  'outbound-unanswered': outboundUnanswered,
  missed,
  voicemail,
  internal,
  'blind-transfer': blindTransfer,
  'warm-transfer': warmTransfer,
  queue: queueCall,
  conference,
};

export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];

/** Default mix of `playRandom`: roughly what a support team's day looks like. */
export const DEFAULT_MIX: Partial<Record<ScenarioName, number>> = {
  'inbound-answered': 30,
  'outbound-answered': 20,
  missed: 8,
  voicemail: 8,
  'inbound-ivr': 10,
  queue: 10,
  'outbound-unanswered': 5,
  internal: 4,
  'blind-transfer': 3,
  'warm-transfer': 1,
  conference: 1,
};

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && value in SCENARIOS;
}
