// The connectors feature's public surface; other modules import from here.
export * from './crm-connector';
export * from './connector.error';
export * from './connector-config.error';
export * from './connector-error.policy';
export * from './connector.registry';
export * from './connectors.module';
export * from './http-connector.client';
export * from './phone-forms';
export { SampleCrmConnector, type SampleCrmConfig } from './sample-crm/sample-crm.connector';
