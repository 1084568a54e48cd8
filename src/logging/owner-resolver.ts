import { Injectable } from '@nestjs/common';
import type { LoggingSettings } from '../accounts/logging-settings';
import { UserMappingRepository } from '../accounts/user-mapping.repository';
import type { CrmOwner } from '../connectors';

export type OwnerSource = 'agent-mapping' | 'admin-fallback' | 'admin';

export type OwnerResolution = { owner: CrmOwner; source: OwnerSource; decision: string } | { error: string };

/** Who owns the CRM record: the agent's mapped CRM user, or the admin's (by policy, or because the agent is unmapped). */
@Injectable()
export class OwnerResolver {
  constructor(private readonly mappings: UserMappingRepository) {}

  async resolve(accountId: string, rcExtensionId: string, settings: LoggingSettings): Promise<OwnerResolution> {
    if (settings.ownerPolicy === 'agent') {
      const mapping = await this.mappings.find(accountId, rcExtensionId);
      if (mapping) {
        return {
          owner: { id: mapping.crmUserId, name: mapping.crmUserName, email: mapping.crmUserEmail },
          source: 'agent-mapping',
          decision: `extension ${rcExtensionId} is mapped (${mapping.source}) to CRM user ${mapping.crmUserId}`,
        };
      }
    }
    if (!settings.adminCrmUserId) {
      return { error: settings.ownerPolicy === 'agent' ? `extension ${rcExtensionId} is not mapped and no adminCrmUserId is set` : 'ownerPolicy is "admin" but no adminCrmUserId is set' };
    }
    return settings.ownerPolicy === 'agent'
      ? { owner: { id: settings.adminCrmUserId }, source: 'admin-fallback', decision: `extension ${rcExtensionId} is not mapped; the admin's CRM user ${settings.adminCrmUserId} owns the record` }
      : { owner: { id: settings.adminCrmUserId }, source: 'admin', decision: `owner policy "admin": CRM user ${settings.adminCrmUserId}` };
  }
}
