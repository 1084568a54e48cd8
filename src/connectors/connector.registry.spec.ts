import { Test } from '@nestjs/testing';
import { AppError } from '../common/errors/app-error';
import { ConnectorErrorPolicy } from './connector-error.policy';
import { CRM_CONNECTORS, ConnectorRegistry } from './connector.registry';
import { ConnectorsModule } from './connectors.module';
import { CrmConnector } from './crm-connector';
import { HttpConnectorClient } from './http-connector.client';
import { SampleCrmConnector } from './sample-crm/sample-crm.connector';

/** A connector that is nothing but an id; the registry never calls it. */
class FakeConnector extends CrmConnector {
  constructor(readonly id: string) {
    super();
  }
  manifest = (): never => {
    throw new Error('not used');
  };
  validateConfig(): void {}
  getAuthHeader(): string {
    return '';
  }
  findContact = async () => [];
  createCallLog = async () => ({ logId: 'x' });
  updateCallLog = async () => ({});
  getUserList = async () => [];
}

describe('ConnectorRegistry', () => {
  it('finds connectors by id and lists them in registration order', () => {
    const proxy = new FakeConnector('proxy');
    const appConnect = new FakeConnector('app-connect');
    const registry = new ConnectorRegistry([proxy, appConnect]);
    expect(registry.get('app-connect')).toBe(appConnect);
    expect(registry.has('proxy')).toBe(true);
    expect(registry.ids()).toEqual(['proxy', 'app-connect']);
    expect(registry.list()).toEqual([proxy, appConnect]);
  });

  it('refuses an unknown id with an AppError naming connector.id', () => {
    const registry = new ConnectorRegistry([new FakeConnector('proxy')]);
    let thrown: unknown;
    try {
      registry.get('salesforce');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED', field: 'connector.id', status: 400, details: { known: ['proxy'] } });
    expect((thrown as AppError).message).toBe('Unknown connector "salesforce"; available: proxy');
    expect(registry.has('salesforce')).toBe(false);
  });

  it('refuses two connectors with one id at start-up', () => {
    expect(() => new ConnectorRegistry([new FakeConnector('proxy'), new FakeConnector('proxy')])).toThrow(/Two connectors have the id "proxy"/);
  });

  it('refuses something that is not a connector', () => {
    expect(() => new ConnectorRegistry([{ id: 'duck' } as unknown as CrmConnector])).toThrow(/not a CrmConnector/);
  });

  it('is wired by ConnectorsModule with the built-in connectors and the shared policy and client', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [ConnectorsModule] }).compile();
    const registry = moduleRef.get(ConnectorRegistry);
    expect(registry.ids()).toEqual(['sample-crm', 'proxy', 'app-connect']);
    expect(registry.get('sample-crm')).toBeInstanceOf(SampleCrmConnector);
    // Constructor injection works (decorator metadata survives the build): the connector got the shared client.
    expect((registry.get('sample-crm') as unknown as { http: unknown }).http).toBe(moduleRef.get(HttpConnectorClient));
    expect(moduleRef.get(ConnectorErrorPolicy)).toBeInstanceOf(ConnectorErrorPolicy);
    expect(moduleRef.get(HttpConnectorClient)).toBeInstanceOf(HttpConnectorClient);
    expect(moduleRef.get(CRM_CONNECTORS)).toEqual(['sample-crm', 'proxy', 'app-connect'].map((id) => registry.get(id)));
    await moduleRef.close();
  });
});
