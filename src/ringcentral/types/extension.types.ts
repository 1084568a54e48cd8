/**
 * RingCentral extension `type` values (current API spec). `Department` is the legacy name of a call queue.
 * Only `User` extensions are people whose calls get logged; the others route, park or record calls.
 */
export type ExtensionKind =
  | 'User'
  | 'FaxUser'
  | 'FlexibleUser'
  | 'VirtualUser'
  | 'DigitalUser'
  | 'Department'
  | 'Announcement'
  | 'Voicemail'
  | 'SharedLinesGroup'
  | 'PagingOnly'
  | 'IvrMenu'
  | 'ApplicationExtension'
  | 'ParkLocation'
  | 'Bot'
  | 'Room'
  | 'RoomConnector'
  | 'Limited'
  | 'Site'
  | 'ProxyAdmin'
  | 'DelegatedLinesGroup'
  | 'GroupCallPickup'
  | 'TieLine'
  | 'Unknown';

/** Resolves an extension id of the account to its kind; undefined when the directory does not know it. */
export type ExtensionDirectory = (extensionId: string) => ExtensionKind | undefined;
