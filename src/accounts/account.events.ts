/**
 * Typed in-process events between modules that must not import each other (ARCHITECTURE.md §2): admin announces,
 * subscriptions and logging react. Emitted with `emitAsync`, so a listener's failure reaches the admin's request.
 */
export const AccountEvents = {
  /** Logging was turned on: create the subscription, load the directory. */
  enabled: 'account.enabled',
  /** Logging was turned off: delete the subscription. */
  disabled: 'account.disabled',
  /** The admin asked for a fresh subscription. */
  resubscribe: 'account.resubscribe',
  /** Settings, credentials or the connector changed: resume logging that was paused for the admin. */
  settingsChanged: 'account.settings-changed',
} as const;

export interface AccountEvent {
  accountId: string;
}
