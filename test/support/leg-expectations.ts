import type { ExpectedLeg, PlayResult } from '../../sim/ringcentral/sim-types';

/** `<telephonySessionId>:<rcExtensionId>`: how the sample CRM connector marks an activity's call (its externalId). */
export const legKey = (leg: { telephonySessionId: string; extensionId: string }) => `${leg.telephonySessionId}:${leg.extensionId}`;

export const admittedLegs = (plays: PlayResult[]): ExpectedLeg[] => plays.flatMap((p) => p.legs).filter((l) => !l.internal);

/**
 * The talk time a logged duration should show: answer to end. Talk ends when the first side hangs up, a few ms before
 * the agent's party ends, so callers allow one second; with hold periods the duration is at most this.
 */
export function expectedTalkSeconds(leg: ExpectedLeg): number {
  return leg.answerTime ? Math.round((Date.parse(leg.endTime) - Date.parse(leg.answerTime)) / 1000) : 0;
}

export function heldDuringCall(plays: PlayResult[], leg: ExpectedLeg): boolean {
  return plays.some((p) => p.events.some((e) => e.parties.some((party) => party.id === leg.partyId && party.status.code === 'Hold')));
}

export function durationMatches(plays: PlayResult[], leg: ExpectedLeg, duration: number): boolean {
  const talk = expectedTalkSeconds(leg);
  return heldDuringCall(plays, leg) ? duration <= talk + 1 : Math.abs(duration - talk) <= 1;
}
