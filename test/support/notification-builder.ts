import type { SimAccount } from '../../sim/ringcentral/sim-types';

/** A telephony-session notification shaped like RingCentral's (and the simulator's) for a simulated account. */
export interface BuiltNotification {
  uuid: string;
  event: string;
  timestamp: string;
  subscriptionId: string;
  ownerId: string;
  body: {
    sequence: number;
    sessionId: string;
    telephonySessionId: string;
    serverId: string;
    eventTime: string;
    origin: { type: string };
    parties: Record<string, unknown>[];
  };
}

let counter = 0;

/**
 * Builds the notifications of one call in one session: `emit(party, code, extra)` adds the next sequence (2, 3, ...)
 * for that party. Parties are `customer` (PSTN, no extension) and `agent` (a User extension of the account).
 */
export function callBuilder(account: SimAccount, subscriptionId: string, options: { agentId?: string; customerNumber?: string; start?: number } = {}) {
  const n = (counter += 1);
  const telephonySessionId = `s-e2e${Date.now().toString(16)}z${n}`;
  const agent = account.extensions.find((e) => e.id === options.agentId) ?? account.extensions.find((e) => e.type === 'User')!;
  const customer = options.customerNumber ?? '+16505550123';
  const start = options.start ?? Date.now() - 60_000;
  const list: BuiltNotification[] = [];
  const parties = {
    customer: { id: `p-e2e${n}-1`, direction: 'Outbound', from: { phoneNumber: customer }, to: { phoneNumber: account.mainNumber } },
    agent: {
      id: `p-e2e${n}-2`,
      extensionId: agent.id,
      direction: 'Inbound',
      from: { phoneNumber: customer },
      to: { phoneNumber: agent.directNumber ?? account.mainNumber, extensionId: agent.id, name: agent.name },
    },
  };
  return {
    telephonySessionId,
    agent,
    emit(who: keyof typeof parties, code: string, extra: Record<string, unknown> = {}) {
      const sequence = list.length + 2;
      const eventTime = new Date(start + sequence * 1000).toISOString();
      list.push({
        uuid: `e2e-${telephonySessionId}-${sequence}`,
        event: `/restapi/v1.0/account/${account.id}${who === 'agent' ? `/extension/${agent.id}` : ''}/telephony/sessions`,
        timestamp: eventTime,
        subscriptionId,
        ownerId: account.extensions[0]!.id,
        body: {
          sequence,
          sessionId: String(9_000_000_000 + n),
          telephonySessionId,
          serverId: '10.13.22.27.TAM',
          eventTime,
          origin: { type: 'Call' },
          parties: [{ ...parties[who], accountId: account.id, status: { code, rcc: false }, missedCall: false, standAlone: false, muted: false, ...extra }],
        },
      });
      return this;
    },
    notifications: () => [...list],
  };
}
