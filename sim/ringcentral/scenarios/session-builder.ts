import type { IdFactory } from '../random';
import type { PartyStatus, PhoneInfo, TelephonyParty, TelephonySessionEventBody } from '../sim-types';

/**
 * Builds the notification stream of a call: sessions, their parties and each party's state changes on a virtual
 * timeline (milliseconds from call start). Every state change becomes one notification carrying only that party,
 * with `sequence` counted per telephony session across all its parties from 2 upward (docs/ringcentral.md §3.2).
 */

export interface PartyInit {
  extensionId?: string;
  direction: 'Inbound' | 'Outbound';
  from: PhoneInfo;
  to: PhoneInfo;
  queueCall?: boolean;
  uiCallInfo?: Record<string, unknown>;
  conferenceRole?: 'Host' | 'Participant';
}

export interface EmitExtra {
  reason?: string;
  peerId?: PartyStatus['peerId'];
  missedCall?: boolean;
  recordingId?: string;
  mobilePickupData?: boolean;
}

interface PlannedEvent {
  session: SessionHandle;
  at: number;
  order: number;
  party: TelephonyParty;
}

export class PartyHandle {
  firstAt?: number;
  answeredAt?: number;
  endedAt?: number;
  lastCode?: string;
  private pickup?: Record<string, unknown>;

  constructor(
    readonly session: SessionHandle,
    readonly data: TelephonyParty,
  ) {}

  get id(): string {
    return this.data.id;
  }

  /** Records a state change at `at` ms; `from`/`to`/names may be changed on `data` before emitting. */
  emit(at: number, code: string, extra: EmitExtra = {}): this {
    const status: PartyStatus = { code };
    if (extra.reason) status.reason = extra.reason;
    if (extra.peerId) status.peerId = extra.peerId;
    if (extra.mobilePickupData && this.data.extensionId) {
      // The same pickup data accompanies every ringing/answered state of a party, as in the captured flow.
      this.pickup ??= {
        ccMailboxes: [this.data.extensionId],
        to: `#${this.session.builder.ids.deviceId()}@sip.ringcentral.com:5060`,
        sid: this.session.builder.ids.sessionId(),
        srvLvl: '-149699523',
        srvLvlExt: '406',
      };
      status.mobilePickupData = { ...this.pickup };
    }
    status.rcc = false;
    if (extra.missedCall !== undefined) this.data.missedCall = extra.missedCall;
    if (extra.recordingId) this.data.recordings = [{ id: extra.recordingId, active: true }];
    if ((code === 'Disconnected' || code === 'Gone') && this.data.recordings) {
      this.data.recordings = this.data.recordings.map((r) => ({ ...r, active: false }));
    }
    const snapshot: TelephonyParty = structuredClone({ ...this.data, status });
    this.session.builder.record({ session: this.session, at, party: snapshot });
    this.firstAt ??= at;
    if (code === 'Answered') this.answeredAt ??= at;
    if (code === 'Disconnected' || code === 'Gone') this.endedAt = at;
    this.lastCode = code;
    return this;
  }
}

export class SessionHandle {
  readonly telephonySessionId: string;
  readonly sessionId: string;
  private partyCount = 0;
  readonly parties: PartyHandle[] = [];

  constructor(
    readonly builder: SessionBuilder,
    readonly origin: string,
  ) {
    this.telephonySessionId = builder.ids.telephonySessionId();
    this.sessionId = builder.ids.sessionId();
  }

  party(init: PartyInit): PartyHandle {
    this.partyCount++;
    const data: TelephonyParty = {
      accountId: this.builder.accountId,
      ...(init.extensionId ? { extensionId: init.extensionId } : {}),
      id: `p-${this.telephonySessionId.slice(2)}-${this.partyCount}`,
      direction: init.direction,
      to: { ...init.to },
      from: { ...init.from },
      status: { code: 'Setup' },
      park: {},
      missedCall: false,
      standAlone: false,
      muted: false,
      ...(init.queueCall ? { queueCall: true } : {}),
      ...(init.uiCallInfo ? { uiCallInfo: init.uiCallInfo } : {}),
      ...(init.conferenceRole ? { conferenceRole: init.conferenceRole } : {}),
    };
    const handle = new PartyHandle(this, data);
    this.parties.push(handle);
    return handle;
  }

  /** Virtual time of this session's first event. */
  get firstAt(): number {
    return Math.min(...this.parties.map((p) => p.firstAt ?? Infinity));
  }

  get lastAt(): number {
    return Math.max(...this.parties.map((p) => p.endedAt ?? p.firstAt ?? -Infinity));
  }
}

export class SessionBuilder {
  private readonly events: PlannedEvent[] = [];
  readonly sessions: SessionHandle[] = [];

  constructor(
    readonly accountId: string,
    readonly ids: IdFactory,
    readonly serverId = '10.13.22.27.TAM',
  ) {}

  session(origin = 'Call'): SessionHandle {
    const s = new SessionHandle(this, origin);
    this.sessions.push(s);
    return s;
  }

  record(e: Omit<PlannedEvent, 'order'>): void {
    this.events.push({ ...e, order: this.events.length });
  }

  /** Virtual time of the last event of the call. */
  get lastAt(): number {
    return Math.max(...this.events.map((e) => e.at));
  }

  get eventCount(): number {
    return this.events.length;
  }

  /** Notification bodies in time order, with sequences assigned and times anchored at `t0` (epoch ms). */
  bodies(t0: number): TelephonySessionEventBody[] {
    const ordered = [...this.events].sort((a, b) => a.at - b.at || a.order - b.order);
    const sequences = new Map<SessionHandle, number>();
    return ordered.map((e) => {
      const sequence = (sequences.get(e.session) ?? 1) + 1;
      sequences.set(e.session, sequence);
      return {
        sequence,
        sessionId: e.session.sessionId,
        telephonySessionId: e.session.telephonySessionId,
        serverId: this.serverId,
        eventTime: new Date(t0 + e.at).toISOString(),
        parties: [e.party],
        origin: { type: e.session.origin },
      };
    });
  }
}
