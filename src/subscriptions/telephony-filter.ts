/** Every telephony session of the account (account-level filter), whatever the transport. */
export const TELEPHONY_SESSIONS_FILTER = '/restapi/v1.0/account/~/telephony/sessions';
