import { Module } from '@nestjs/common';
import { ConnectorErrorPolicy } from './connector-error.policy';
import { ConnectorRegistry, crmConnectorsProvider } from './connector.registry';
import { HttpConnectorClient } from './http-connector.client';
import { AppConnectConnector } from './app-connect/app-connect.connector';
import { ProxyConnector } from './proxy/proxy.connector';
import { SampleCrmConnector } from './sample-crm/sample-crm.connector';

/** Every built-in connector; adding one (proxy, app-connect) means adding its class here and nothing else. */
export const BUILT_IN_CONNECTORS = [SampleCrmConnector, ProxyConnector, AppConnectConnector];

@Module({
  providers: [HttpConnectorClient, ConnectorErrorPolicy, ...BUILT_IN_CONNECTORS, crmConnectorsProvider(BUILT_IN_CONNECTORS), ConnectorRegistry],
  exports: [ConnectorRegistry, ConnectorErrorPolicy, HttpConnectorClient],
})
export class ConnectorsModule {}
