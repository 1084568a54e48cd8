import { Inject, Injectable } from '@nestjs/common';
import { AppError } from '../common/errors/app-error';
import { CrmConnector } from './crm-connector';

/**
 * Multi-provider token: the list of every CrmConnector instance. ConnectorsModule builds it with
 * crmConnectorsProvider([...]); a new connector is one more class in that list, the registry does not change.
 */
export const CRM_CONNECTORS = Symbol('CRM_CONNECTORS');

/** The factory provider for CRM_CONNECTORS from connector classes that are themselves providers. */
export function crmConnectorsProvider(connectors: ReadonlyArray<new (...args: any[]) => CrmConnector>) {
  return {
    provide: CRM_CONNECTORS,
    useFactory: (...instances: CrmConnector[]): CrmConnector[] => instances,
    inject: [...connectors],
  };
}

/** Connectors by id. Two connectors with one id fail start-up, not the first call that needs one of them. */
@Injectable()
export class ConnectorRegistry {
  private readonly byId = new Map<string, CrmConnector>();

  constructor(@Inject(CRM_CONNECTORS) connectors: CrmConnector[]) {
    for (const connector of connectors) {
      if (!(connector instanceof CrmConnector)) {
        throw new Error(`CRM_CONNECTORS holds something that is not a CrmConnector (${describe(connector)})`);
      }
      if (this.byId.has(connector.id)) {
        throw new Error(`Two connectors have the id "${connector.id}": ${describe(this.byId.get(connector.id))} and ${describe(connector)}`);
      }
      this.byId.set(connector.id, connector);
    }
  }

  /**
   * @throws AppError VALIDATION_FAILED naming `connector.id`: an unknown id is a wrong value in the account's
   *   connector choice (admin API) or a stored choice whose connector was removed, not a missing resource.
   */
  get(id: string): CrmConnector {
    const connector = this.byId.get(id);
    if (!connector) {
      const known = this.ids();
      throw new AppError('VALIDATION_FAILED', `Unknown connector "${id}"; available: ${known.join(', ') || 'none'}`, 'connector.id', {
        known,
      });
    }
    return connector;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  list(): CrmConnector[] {
    return [...this.byId.values()];
  }
}

function describe(value: unknown): string {
  return (value as { constructor?: { name?: string } } | undefined)?.constructor?.name ?? typeof value;
}
