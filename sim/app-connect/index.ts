// A validating stand-in for a deployed App Connect connector server, for the app-connect connector's tests.
export { startAppConnectServer, DEFAULT_CONTACTS, DEFAULT_CRM_USERS } from './app-connect.server';
export type { AppConnectServer, AppConnectServerOptions } from './app-connect.server';
export type {
  AppConnectKnobs, SimAppConnectUser, SimCallLog, SimContact, SimCrmUser, SimRequestRecord, ValidationFailure,
} from './app-connect.types';
export { SCHEMA_CORRECTIONS, applySchemaCorrections } from './schema-corrections';
export { signJwt, verifyJwt, type AppConnectJwtPayload } from './jwt';
