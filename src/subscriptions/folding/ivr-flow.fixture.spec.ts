import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  isTelephonyNotificationParseError,
  parseTelephonyNotification,
  type TelephonyNotification,
} from '../../ringcentral/types';
import { detectEndedLeg } from './detect-ended-leg';
import type { EndedLeg, LegSkip } from './ended-leg.types';
import { foldNotifications, sessionPartyStates } from './fold-notifications';
import { isSessionQuiet } from './session-quiet';
import { factory } from '../../../test/factories/telephony-event.factory';
import type { PartyState } from './party-state.types';

/**
 * The real account-level capture (fixtures/ringcentral/events, docs/ringcentral.md §3.6 "IVR / auto-attendant", §3.8):
 * PSTN caller +14083388064 (party -1, no extensionId) -> company number -> IVR menu 62242421016 (party -2) ->
 * user extension 809646016 "TESTER Babji" (party -3: Setup, Proceeding, Answered, Hold, Answered, Disconnected).
 */
const FLOW_FILE = join(
  process.cwd(),
  'test/fixtures/ringcentral/events/flow-inbound-pstn-via-ivr-to-extension-answered-hold-account-level.json',
);
const ACCOUNT = '809646016';
const SESSION = 's-718107795d564867a6f635fd81e89940';
const USER_EXTENSION = '809646016';
const IVR_EXTENSION = '62242421016';
const directory = factory.directory({ [USER_EXTENSION]: 'User', [IVR_EXTENSION]: 'IvrMenu' });

function realFlow(): TelephonyNotification[] {
  const raw = JSON.parse(readFileSync(FLOW_FILE, 'utf8')) as unknown[];
  return raw.map((json) => {
    const parsed = parseTelephonyNotification(json);
    if (isTelephonyNotificationParseError(parsed)) throw new Error(`${parsed.field}: ${parsed.error}`);
    return parsed;
  });
}

/** Deterministic PRNG (mulberry32) so a failing permutation can be replayed from its seed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffled, with about a third of the notifications delivered twice (WS replay / webhook redelivery, §3.5). */
function shuffledWithDuplicates(events: TelephonyNotification[], seed: number): TelephonyNotification[] {
  const rnd = random(seed);
  const out = [...events, ...events.filter(() => rnd() < 0.35)];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

type Detection = EndedLeg | LegSkip | null;
const isLeg = (d: Detection): d is EndedLeg => d !== null && !('skip' in d);

/**
 * What the pipeline does: fold each notification as it arrives, then ask every party of the session whether its leg
 * ended; a leg counts once per (session, extension) — the unique key of call_logs.
 */
function deliver(notifications: TelephonyNotification[]) {
  let states = new Map<string, PartyState>();
  const legs = new Map<string, EndedLeg>();
  const laterDetections: EndedLeg[] = [];
  for (const notification of notifications) {
    states = foldNotifications([notification], states);
    const session = sessionPartyStates(states.values(), ACCOUNT, SESSION);
    for (const party of session) {
      const detection = detectEndedLeg(party, session, directory);
      if (!isLeg(detection)) continue;
      const key = `${detection.telephonySessionId}/${detection.extensionId}`;
      if (legs.has(key)) laterDetections.push(detection);
      else legs.set(key, detection);
    }
  }
  return { legs: [...legs.values()], laterDetections, session: sessionPartyStates(states.values(), ACCOUNT, SESSION) };
}

const EXPECTED_LEG: EndedLeg = {
  accountId: ACCOUNT,
  telephonySessionId: SESSION,
  sessionId: '429180487016',
  partyId: 'p-718107795d564867a6f635fd81e89940-3',
  extensionId: USER_EXTENSION,
  direction: 'Inbound',
  internal: false,
  kind: 'answered',
  otherParty: { phoneNumber: '+14083388064', name: 'DIBYENDU ROY' },
  agentParty: { phoneNumber: '+18003151571', name: 'TESTER Babji', extensionId: USER_EXTENSION },
  startTime: '2020-06-23T01:05:43.940Z', // PSTN party's Setup: the session start, routing included
  partyStartTime: '2020-06-23T01:05:52.627Z',
  answerTime: '2020-06-23T01:06:00.001Z',
  endTime: '2020-06-23T01:06:14.808Z',
  // Answered 00.001 -> Hold 04.601 (4.600 s) + Answered 06.994 -> Disconnected 14.808 (7.814 s); hold 2.393 s left out
  talkMs: 12_414,
  talkSeconds: 12,
  result: 'Accepted',
  recorded: false,
  queueCall: false,
};

describe('real inbound PSTN -> IVR -> user flow (account-level capture, docs/ringcentral.md §3.6/§3.8)', () => {
  it('in order: exactly one ended leg, for the user extension, answered, talk time without hold', () => {
    const { legs, laterDetections } = deliver(realFlow());
    expect(legs).toEqual([EXPECTED_LEG]);
    // Re-asking after the PSTN party's final event gives the same answer (stable once decided).
    expect(laterDetections).toEqual([EXPECTED_LEG]);
  });

  it('no leg before the user party is Disconnected', () => {
    const withoutUserHangUp = realFlow().filter((n) => n.body.sequence !== 11);
    expect(deliver(withoutUserHangUp).legs).toEqual([]);
  });

  it('skips the IVR menu (extension kind IvrMenu) and the PSTN party (no extensionId), §3.7.4', () => {
    const { session } = deliver(realFlow());
    const byId = (suffix: string) => session.find((p) => p.partyId.endsWith(suffix))!;
    expect(detectEndedLeg(byId('-2'), session, directory)).toEqual({ skip: 'not-a-user-extension', detail: 'IvrMenu' });
    expect(detectEndedLeg(byId('-1'), session, directory)).toEqual({ skip: 'external-party' });
  });

  it.each(Array.from({ length: 60 }, (_, i) => i + 1))(
    'shuffled with duplicates (seed %i): the same single leg, and the same folded states (§3.5)',
    (seed) => {
      const inOrder = deliver(realFlow());
      const shuffled = deliver(shuffledWithDuplicates(realFlow(), seed));
      expect(shuffled.legs).toEqual([EXPECTED_LEG]);
      expect(shuffled.laterDetections).toEqual(shuffled.laterDetections.map(() => EXPECTED_LEG));
      expect(shuffled.session).toEqual(inOrder.session);
    },
  );

  it('reversed delivery: nothing is decided until the missing lower sequences arrive', () => {
    const reversed = realFlow().reverse();
    let states = new Map<string, PartyState>();
    const decisions: Detection[] = [];
    for (const notification of reversed) {
      states = foldNotifications([notification], states);
      const session = sessionPartyStates(states.values(), ACCOUNT, SESSION);
      const user = session.find((p) => p.extensionId === USER_EXTENSION);
      decisions.push(user ? detectEndedLeg(user, session, directory) : null);
    }
    // Only the very last delivery (sequence 2, the session's first event) completes the picture.
    expect(decisions.slice(0, -1)).toEqual(decisions.slice(0, -1).map(() => null));
    expect(decisions.at(-1)).toEqual(EXPECTED_LEG);
  });

  it('the session is quiet only after every party is Disconnected and the quiet period passed (§3.7.3)', () => {
    const { session } = deliver(realFlow());
    const lastEvent = Date.parse('2020-06-23T01:06:14.812Z'); // PSTN party's Disconnected, the last event
    expect(isSessionQuiet(session, lastEvent + 4_999, 5_000)).toBe(false);
    expect(isSessionQuiet(session, lastEvent + 5_000, 5_000)).toBe(true);
    const { session: pstnStillUp } = deliver(realFlow().filter((n) => n.body.sequence !== 12));
    expect(isSessionQuiet(pstnStillUp, lastEvent + 60_000, 5_000)).toBe(false);
  });
});
