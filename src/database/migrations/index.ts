import { InitialSchema1763900000000 } from './1763900000000-initial-schema';
import { AccountsSubscriptionsIntake1763900100000 } from './1763900100000-accounts-subscriptions-intake';
import { LoggingPipeline1763900200000 } from './1763900200000-logging-pipeline';
import { EncryptConnectorConfig1763900300000 } from './1763900300000-encrypt-connector-config';
import { Plugins1763900400000 } from './1763900400000-plugins';
import { InboxFoldQueue1765000100000 } from './1765000100000-inbox-fold-queue';
import { WebsocketLeases1765000200000 } from './1765000200000-websocket-leases';
import { CallRecords1765000300000 } from './1765000300000-call-records';
import { SharedLimits1765000400000 } from './1765000400000-shared-limits';
import { RetentionIndexes1765000400001 } from './1765000400001-retention-indexes';
import { ConsoleSessions1765000500000 } from './1765000500000-console-sessions';
import { CallLogOpenRecords1765000600000 } from './1765000600000-call-log-open-records';
import { InboxPayloadText1765000700000 } from './1765000700000-inbox-payload-text';

/** Applied in this order; a migration, once released, is never edited (add a new one). */
export const MIGRATIONS = [
  InitialSchema1763900000000,
  AccountsSubscriptionsIntake1763900100000,
  LoggingPipeline1763900200000,
  EncryptConnectorConfig1763900300000,
  Plugins1763900400000,
  InboxFoldQueue1765000100000,
  WebsocketLeases1765000200000,
  CallRecords1765000300000,
  SharedLimits1765000400000,
  RetentionIndexes1765000400001,
  ConsoleSessions1765000500000,
  CallLogOpenRecords1765000600000,
  InboxPayloadText1765000700000,
];
