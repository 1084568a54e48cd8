// The plugin simulator: a real HTTP server speaking the App Connect plugin contract, for tests, the demo and benchmarks.
export { startPluginServer } from './plugin-server';
export type { PluginInvocation, PluginServer } from './plugin-server';
export type {
  AsyncBehaviour, BadResponseKind, CallbackMode, LoggingPayload, PluginConfig, PluginKnobs, PluginMode, PluginRoute,
  PluginServerOptions, PluginTransform, TransformContext,
} from './plugin-options';
export { PLUGIN_ROUTES } from './plugin-options';
export type { PluginConfigField, PluginManifest, LogType } from './plugin-manifest';
export type { CallbackBody, SentCallback } from './async-callbacks';
export type { InjectedFault, PluginStats, RecordedRequest, ValidationFailure } from './request-log';
export type { Registration } from './plugin.routes';
export type { IssueOptions } from './plugin-auth';
export { REFRESHED_TOKEN_HEADER } from './plugin-auth';
export {
  PLUGIN_JWT_REFRESH_THRESHOLD_SECONDS, PLUGIN_JWT_TTL_SECONDS, decodePluginJwt, signPluginJwt, verifyPluginJwt,
  type PluginJwtClaims, type PluginJwtVerification,
} from './plugin-jwt';
export { ringCentralTokenVerifier } from './rc-token-verifier';
export { defaultMarker } from './note-transform';
