import type {
  ExtensionDirectory,
  ExtensionKind,
  TelephonyNotification,
  TelephonyParty,
  TelephonyPartyStatus,
  TelephonyStatusCode,
} from '../../src/ringcentral/types';
import { foldNotifications, sessionPartyStates } from '../../src/subscriptions/folding/fold-notifications';
import type { PartyState } from '../../src/subscriptions/folding/party-state.types';

/**
 * Test-data builders shaped like the real account-level notifications (fixtures/ringcentral/events): one party per
 * notification, `event` path by party kind, sequences per session starting at 2 (docs/ringcentral.md §3.1–3.3).
 */

export const ACCOUNT_ID = '37439510';
export const OWNER_ID = '37439511';
export const SUBSCRIPTION_ID = 'b6a3c0de-0000-4000-8000-000000000001';
export const CUSTOMER_NUMBER = '+14155550123';
export const COMPANY_NUMBER = '+16505550100';
export const START = '2024-03-01T10:00:00.000Z';

/** Extension ids used by the scenarios, with their kinds. */
export const EXT = {
  alice: '1001',
  bob: '1002',
  ivr: '2001',
  queue: '3001',
} as const;

const KINDS: Record<string, ExtensionKind> = {
  [EXT.alice]: 'User',
  [EXT.bob]: 'User',
  [EXT.ivr]: 'IvrMenu',
  [EXT.queue]: 'Department',
};

let uuidCounter = 1_000_000;
const nextUuid = () => String((uuidCounter += 1));

const at = (seconds: number, start = START) => new Date(Date.parse(start) + seconds * 1000).toISOString();

/** A raw status code as it may arrive (the parser canonicalises `VoiceMail`; tests sometimes bypass it). */
type StatusInput = TelephonyStatusCode | 'VoiceMail' | (Partial<Omit<TelephonyPartyStatus, 'code'>> & { code: string });

export interface TelephonyEventOverrides {
  uuid?: string;
  sequence?: number;
  /** Seconds after START, or an ISO time. */
  at?: number | string;
  telephonySessionId?: string;
  sessionId?: string;
  status?: StatusInput;
  party?: Partial<TelephonyParty>;
}

function eventPath(party: Pick<TelephonyParty, 'accountId' | 'extensionId'>): string {
  return party.extensionId
    ? `/restapi/v1.0/account/${party.accountId}/extension/${party.extensionId}/telephony/sessions`
    : `/restapi/v1.0/account/${party.accountId}/telephony/sessions`;
}

function toStatus(status: StatusInput): TelephonyPartyStatus {
  const value = typeof status === 'string' ? { code: status } : status;
  return { rcc: false, ...value } as TelephonyPartyStatus;
}

/** One notification; by default Alice's inbound party from a PSTN customer, in Setup, sequence 2. */
function telephonyEvent(overrides: TelephonyEventOverrides = {}): TelephonyNotification {
  const telephonySessionId = overrides.telephonySessionId ?? 's-a0d17930c96bdz18b67acb764z37759330000';
  const party: TelephonyParty = {
    accountId: ACCOUNT_ID,
    extensionId: EXT.alice,
    id: `p-${telephonySessionId.slice(2)}-2`,
    direction: 'Inbound',
    to: { phoneNumber: COMPANY_NUMBER, name: 'Alice Agent', extensionId: EXT.alice },
    from: { phoneNumber: CUSTOMER_NUMBER },
    status: toStatus(overrides.status ?? 'Setup'),
    missedCall: false,
    standAlone: false,
    muted: false,
    ...overrides.party,
  };
  return notification(party, {
    uuid: overrides.uuid,
    sequence: overrides.sequence ?? 2,
    eventTime: typeof overrides.at === 'string' ? overrides.at : at(overrides.at ?? 0),
    telephonySessionId,
    sessionId: overrides.sessionId,
  });
}

function notification(
  party: TelephonyParty,
  body: { uuid?: string; sequence: number; eventTime: string; telephonySessionId: string; sessionId?: string },
): TelephonyNotification {
  return {
    uuid: body.uuid ?? nextUuid(),
    event: eventPath(party),
    timestamp: new Date(Date.parse(body.eventTime) + 60).toISOString(),
    subscriptionId: SUBSCRIPTION_ID,
    ownerId: OWNER_ID,
    body: {
      sequence: body.sequence,
      sessionId: body.sessionId ?? '1039811321016',
      telephonySessionId: body.telephonySessionId,
      serverId: '10.13.22.27.TAM',
      eventTime: body.eventTime,
      parties: [party],
      origin: { type: 'Call' },
    },
  };
}

export type PartyTemplate = Pick<TelephonyParty, 'direction' | 'from' | 'to'> & Partial<TelephonyParty>;

export interface ScenarioEventExtras extends Partial<Omit<TelephonyPartyStatus, 'code'>> {
  missedCall?: boolean;
  recordings?: TelephonyParty['recordings'];
  party?: Partial<TelephonyParty>;
}

/**
 * A whole call: declare parties, then emit their status changes in the order they happen; sequences are assigned
 * 2, 3, ... in that order, times are seconds after the scenario start.
 */
export class CallScenario {
  readonly telephonySessionId: string;
  private readonly start: string;
  private readonly list: TelephonyNotification[] = [];
  private partyCount = 0;

  constructor(options: { telephonySessionId?: string; start?: string } = {}) {
    this.telephonySessionId = options.telephonySessionId ?? `s-${(uuidCounter += 1).toString(16)}dz18b67acb764z0000`;
    this.start = options.start ?? START;
  }

  /** A party of this session; `id` is `p-<session>-<n>` in order of declaration. */
  party(template: PartyTemplate): TelephonyParty {
    this.partyCount += 1;
    return {
      accountId: ACCOUNT_ID,
      id: `p-${this.telephonySessionId.slice(2)}-${this.partyCount}`,
      status: { code: 'Setup', rcc: false },
      missedCall: false,
      standAlone: false,
      muted: false,
      ...template,
    };
  }

  event(
    party: TelephonyParty,
    code: TelephonyStatusCode | 'VoiceMail',
    atSeconds: number,
    extras: ScenarioEventExtras = {},
  ): this {
    const { missedCall, recordings, party: partyOverrides, ...status } = extras;
    const emitted: TelephonyParty = {
      ...party,
      status: toStatus({ ...status, code }),
      ...(missedCall !== undefined ? { missedCall } : {}),
      ...(recordings !== undefined ? { recordings } : {}),
      ...partyOverrides,
    };
    this.list.push(
      notification(emitted, {
        sequence: this.list.length + 2,
        eventTime: at(atSeconds, this.start),
        telephonySessionId: this.telephonySessionId,
      }),
    );
    return this;
  }

  /** In sequence (= emission) order. */
  notifications(): TelephonyNotification[] {
    return [...this.list];
  }
}

/** Extension directory of the test account, plus `extra` kinds. */
function directory(extra: Record<string, ExtensionKind> = {}): ExtensionDirectory {
  const kinds = { ...KINDS, ...extra };
  return (extensionId) => kinds[extensionId];
}

/** Folds notifications and returns the parties of their (single) session in order of appearance. */
function foldSession(notifications: readonly TelephonyNotification[], receivedAt?: string): PartyState[] {
  const first = notifications[0];
  const states = foldNotifications(notifications, new Map(), { receivedAt });
  return sessionPartyStates(states.values(), first.body.parties[0].accountId, first.body.telephonySessionId);
}

export const factory = {
  telephonyEvent,
  callScenario: (options?: { telephonySessionId?: string; start?: string }) => new CallScenario(options),
  directory,
  foldSession,
  at,
};
