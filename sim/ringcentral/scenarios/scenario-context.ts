import type { IdFactory, Rng } from '../random';
import type {
  CallLogParty, ExtensionType, LegKind, PhoneInfo, PlayOptions, SimAccount, SimExtension,
} from '../sim-types';
import { type PartyHandle, SessionBuilder, type SessionHandle } from './session-builder';

/** What a scenario produces besides the notifications: expected legs, parties without legs, call-log drafts. */

export interface LegDraft {
  party: PartyHandle;
  direction: 'Inbound' | 'Outbound';
  otherPartyNumber: string;
  internal: boolean;
  kind: LegKind;
  result: string;
  recorded: boolean;
  /** When the conversation really started, if not this party's own Answered (a caller's party is Answered early). */
  answeredAt?: number;
}

export interface NoLegDraft {
  party: PartyHandle;
  extensionType?: ExtensionType;
  reason: 'ivr' | 'queue' | 'lost-queue-race' | 'gone';
}

export interface RecordLegDraft {
  legType: string;
  direction: 'Inbound' | 'Outbound';
  action: string;
  result: string;
  from: CallLogParty;
  to: CallLogParty;
  extensionId: string;
  transport: 'PSTN' | 'VoIP';
  startAt: number;
  endAt: number;
}

export interface RecordDraft {
  session: SessionHandle;
  direction: 'Inbound' | 'Outbound';
  action: string;
  result: string;
  from: CallLogParty;
  to: CallLogParty;
  /** The extension the record is filed under (the agent who handled the call). */
  extensionId: string;
  transport: 'PSTN' | 'VoIP';
  internalType?: string;
  recordingId?: string;
  voicemail?: boolean;
  legs: RecordLegDraft[];
}

export interface ScenarioScript {
  legs: LegDraft[];
  noLeg: NoLegDraft[];
  records: RecordDraft[];
}

export type Scenario = (ctx: ScenarioContext) => ScenarioScript;

export class ScenarioContext {
  readonly builder: SessionBuilder;
  readonly recordingId?: string;

  constructor(
    readonly account: SimAccount,
    readonly ids: IdFactory,
    readonly rng: Rng,
    readonly opts: PlayOptions,
  ) {
    this.builder = new SessionBuilder(account.id, ids);
    this.recordingId = opts.recorded ? ids.recordingId() : undefined;
  }

  get users(): SimExtension[] {
    return this.account.extensions.filter((e) => e.type === 'User' && e.status === 'Enabled');
  }

  extension(id: string, type?: ExtensionType): SimExtension {
    const ext = this.account.extensions.find((e) => e.id === id || e.extensionNumber === id);
    if (!ext || (type && ext.type !== type)) throw new Error(`no ${type ?? 'extension'} ${id} in account ${this.account.id}`);
    return ext;
  }

  /** The main agent: `agentId` or a random user. */
  agent(): SimExtension {
    return this.opts.agentId ? this.extension(this.opts.agentId, 'User') : this.rng.pick(this.users);
  }

  /** A second user different from `not`: `otherAgentId` or a random one. */
  otherAgent(not: SimExtension): SimExtension {
    if (this.opts.otherAgentId) return this.extension(this.opts.otherAgentId, 'User');
    const others = this.users.filter((u) => u.id !== not.id);
    if (others.length === 0) throw new Error(`account ${this.account.id} needs at least two users for this scenario`);
    return this.rng.pick(others);
  }

  ivr(): SimExtension {
    if (this.opts.ivrId) return this.extension(this.opts.ivrId, 'IvrMenu');
    const ivr = this.account.extensions.find((e) => e.type === 'IvrMenu');
    if (!ivr) throw new Error(`account ${this.account.id} has no IVR menu`);
    return ivr;
  }

  queue(): SimExtension {
    if (this.opts.queueId) return this.extension(this.opts.queueId, 'Department');
    const queue = this.account.extensions.find((e) => e.type === 'Department');
    if (!queue) throw new Error(`account ${this.account.id} has no call queue`);
    return queue;
  }

  /** The PSTN party: `externalNumber`/`externalName` or a random US number. */
  external(): { phoneNumber: string; name?: string } {
    return { phoneNumber: this.opts.externalNumber ?? this.ids.phoneNumber(this.rng.pick(['415', '408', '212', '312', '617'])), name: this.opts.externalName };
  }

  /** Number of a user as seen by PSTN parties. */
  did(user: SimExtension): string {
    return user.directNumber ?? this.account.mainNumber;
  }

  ringMs(min = 3, max = 12): number {
    return this.opts.ringSeconds !== undefined ? this.opts.ringSeconds * 1000 : this.rng.int(min * 1000, max * 1000);
  }

  talkMs(min = 20, max = 300): number {
    return this.opts.talkSeconds !== undefined ? this.opts.talkSeconds * 1000 : this.rng.int(min * 1000, max * 1000);
  }

  /** Gap between two near-simultaneous platform events. */
  hop(): number {
    return this.rng.int(4, 60);
  }

  agentHangsUp(): boolean {
    return this.opts.hangUpBy ? this.opts.hangUpBy === 'agent' : this.rng.chance(0.5);
  }

  userPhone(user: SimExtension, phoneNumber = user.extensionNumber, withDevice = false): PhoneInfo {
    return { phoneNumber, name: user.name, extensionId: user.id, ...(withDevice ? { deviceId: this.ids.deviceId() } : {}) };
  }

  /** Call-log `from`/`to` for an extension. */
  logUser(user: SimExtension, phoneNumber?: string): CallLogParty {
    return { ...(phoneNumber ? { phoneNumber } : {}), extensionNumber: user.extensionNumber, extensionId: user.id, name: user.name };
  }

  logExternal(ext: { phoneNumber: string; name?: string }): CallLogParty {
    return { phoneNumber: ext.phoneNumber, ...(ext.name ? { name: ext.name } : {}) };
  }

  /** Optional hold/unhold of an answered party in the middle of the talk time. */
  maybeHold(party: PartyHandle, answeredAt: number, talk: number): void {
    if (!this.opts.hold) return;
    party.emit(answeredAt + Math.floor(talk * 0.3), 'Hold');
    party.emit(answeredAt + Math.floor(talk * 0.5), 'Answered');
  }
}
