import { SCENARIO_NAMES, startRingCentralSim, type RingCentralSim } from '../../sim/ringcentral';
import type { PlayResult, SimAccount } from '../../sim/ringcentral/sim-types';
import type { ExtensionKind, TelephonyNotification } from '../../src/ringcentral/types';
import { detectEndedLeg, foldNotifications, type PartyState } from '../../src/subscriptions/folding';

/**
 * The simulator's expected outcomes and the folding rules must tell the same story for every scenario kind, or the
 * e2e tests would be testing one against the other's bugs. Pure: the notifications a play produced are folded here.
 */
describe('simulator scenarios vs folding rules', () => {
  let sim: RingCentralSim;
  let account: SimAccount;

  beforeAll(async () => {
    sim = await startRingCentralSim({ seed: 3, defaultPaceMs: 0 });
    account = sim.addAccount({ users: 4, ivrMenus: 1, queues: 1 });
  });

  afterAll(async () => {
    await sim.close();
  });

  function derivedLegs(play: PlayResult) {
    const kinds = new Map(account.extensions.map((e) => [e.id, e.type as ExtensionKind]));
    const notifications = play.events.map((body, i) => ({ uuid: String(i), event: '', timestamp: body.eventTime, subscriptionId: 's', ownerId: 'o', body }) as unknown as TelephonyNotification);
    const states = [...foldNotifications(notifications).values()];
    const legs = [];
    for (const party of states) {
      const session = states.filter((p: PartyState) => p.telephonySessionId === party.telephonySessionId);
      const outcome = detectEndedLeg(party, session, (id) => kinds.get(id), { sessionQuiet: true });
      if (outcome && !('skip' in outcome)) legs.push(outcome);
    }
    return legs;
  }

  const seeds = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: same legs, directions, numbers, kinds and times over ${seeds.length} plays`, async () => {
      for (let i = 0; i < seeds.length; i++) {
        const play = await sim.play(account.id, scenario, { pace: 0 });
        const actual = derivedLegs(play)
          .map((l) => ({ session: l.telephonySessionId, extension: l.extensionId, direction: l.direction, kind: l.kind, other: l.otherParty.phoneNumber, internal: l.internal, start: l.startTime, answer: l.answerTime, end: l.endTime, result: l.result }))
          .sort((a, b) => `${a.session}${a.extension}`.localeCompare(`${b.session}${b.extension}`));
        const expected = play.legs
          .map((l) => ({ session: l.telephonySessionId, extension: l.extensionId, direction: l.direction, kind: l.kind, other: l.otherPartyNumber, internal: l.internal, start: l.callStartTime, answer: l.answerTime, end: l.endTime, result: l.result }))
          .sort((a, b) => `${a.session}${a.extension}`.localeCompare(`${b.session}${b.extension}`));
        expect({ scenario, play: i, legs: actual }).toEqual({ scenario, play: i, legs: expected });
      }
    });
  }
});
