export type AccountMode = 'account' | 'admin-only';

export interface AccountRow {
  id: string;
  rcAccountId: string;
  hashedAccountId: string;
  enabled: boolean;
  mode: AccountMode;
  settings: Record<string, unknown>;
  connectorId: string | null;
  connectorConfig: Record<string, unknown> | null;
  adminExtensionId: string | null;
  pausedReason: string | null;
  hasRingCentralCredentials: boolean;
}
