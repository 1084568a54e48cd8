/**
 * A connector's configuration or server-logging settings are unusable (missing base URL, a URL that is not http(s),
 * no API key). `path` is a dot path into what the admin entered (`baseUrl`, `serverLoggingSettings.apiKey`), so the
 * admin API can point at the field. No request to the CRM was made; retrying will not help until an admin fixes it.
 */
export class ConnectorConfigError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'ConnectorConfigError';
  }
}
