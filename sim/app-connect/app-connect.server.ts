import express, { type Request, type Response } from 'express';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { toE164 } from '../crm';
import {
  type AppConnectKnobs,
  DEFAULT_KNOBS,
  type SimAppConnectUser,
  type SimCallLog,
  type SimContact,
  type SimCrmUser,
  type SimRequestRecord,
  type ValidationFailure,
} from './app-connect.types';
import { type AppConnectJwtPayload, signJwt, verifyJwt } from './jwt';
import { OpenApiValidator } from './openapi-validator';
import { applySchemaCorrections } from './schema-corrections';

export interface AppConnectServerOptions extends Partial<AppConnectKnobs> {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Signs and verifies the JWTs (App Connect's APP_SERVER_SECRET_KEY). Random by default. */
  jwtSecret?: string;
  /** App Connect's HASH_KEY: extension and account ids are stored as sha256(`<id>:<hashKey>`). */
  hashKey?: string;
  /** The CRM platform name in the JWTs (default `testCRM`). */
  platform?: string;
  /** App Connect users; default one admin, `admin-1`. */
  users?: SimAppConnectUser[];
  /** The CRM's contacts (default DEFAULT_CONTACTS). */
  contacts?: SimContact[];
  /** The CRM's users for /admin/userMapping (default DEFAULT_CRM_USERS). */
  crmUsers?: SimCrmUser[];
  /** RingCentral admin access tokens /admin/userMapping accepts in X-RC-Access-Token (default ['rc-admin-token']). */
  rcAdminTokens?: string[];
  /** Add App Connect's synthetic `{id: "createNewContact", isNewContact: true}` entry to every lookup (default true). */
  createNewContactEntry?: boolean;
  /** The OpenAPI document to validate against (default sim/app-connect/crm-server-openapi.json under the cwd). */
  specPath?: string;
  /** Apply SCHEMA_CORRECTIONS (default true). With false the published document is used exactly as is. */
  schemaCorrections?: boolean;
}

export interface AppConnectServer {
  /** e.g. http://127.0.0.1:41234: the `serverUrl` an app-connect connector config points at. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  /** A JWT for an App Connect user (default the first user), valid for `expiresInSeconds` (default 14 days). */
  issueJwt(options?: { userId?: string; expiresInSeconds?: number }): string;
  /** Every call log created, in creation order (copies). */
  callLogs(): SimCallLog[];
  /** Every request or response that did not match the OpenAPI document. Tests assert this stays empty. */
  validationFailures(): ValidationFailure[];
  /** Every request that passed validation, with the answer's status. */
  requests(): SimRequestRecord[];
  /** Current server-logging settings of an App Connect user (default the first). */
  serverLoggingSettings(userId?: string): Record<string, string>;
  knobs(): AppConnectKnobs;
  setKnobs(partial: Partial<AppConnectKnobs>): void;
  /** Back to the start: start-time data, no call logs, requests or failures, knobs as in the options. */
  reset(): void;
}

export const DEFAULT_CONTACTS: SimContact[] = [
  { id: 'c-101', name: 'Jane Customer', phone: '+16505550101', type: 'Contact', createdDate: '2024-01-10T09:00:00.000Z' },
  { id: 202, name: 'John Prospect', phone: '(650) 555-0102', type: 'Lead', createdDate: '2024-02-11T10:00:00.000Z', mostRecentActivityDate: '2024-05-02T15:30:00.000Z' },
  { id: 'c-103', name: 'Dana Duplicate', phone: '+16505550105', type: 'Contact', createdDate: '2024-04-01T12:00:00.000Z' },
  { id: 'c-104', name: 'Dan Duplicate', phone: '650-555-0105', type: 'Lead', createdDate: '2024-06-01T12:00:00.000Z' },
];

export const DEFAULT_CRM_USERS: SimCrmUser[] = [
  { id: 88101, name: 'Ada Mapping', email: 'ada@example.com' },
  { id: 'u-2', name: 'Bob Brown', email: 'bob.brown@example.com' },
  { id: 'u-3', name: 'No Email' },
];

const JWT_REFRESH_THRESHOLD_SECONDS = 7 * 24 * 3600;
const JWT_LIFETIME_SECONDS = 14 * 24 * 3600;
const AUTHORIZE_MESSAGE = 'Please go to Settings and authorize CRM platform';

/** Operations whose 200 answer is App Connect's `{successful, returnMessage}` shape (the successfulFalse knob). */
const SUCCESS_SHAPED = ['getContact', 'postContact', 'postCallLog', 'patchCallLog', 'getCallLog', 'postAdminServerLoggingSettings'];

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Handled {
  req: Request;
  operationId: string;
  user: SimAppConnectUser;
}

/**
 * A stand-in for a deployed App Connect connector server: the routes server-side call logging uses, an in-memory CRM
 * behind them, and every request and response checked against App Connect's OpenAPI document with openapi-backend.
 * An invalid request gets 400 with the errors; an answer that would not match the document is replaced by a 500;
 * both are recorded in validationFailures().
 */
export async function startAppConnectServer(options: AppConnectServerOptions = {}): Promise<AppConnectServer> {
  const {
    port = 0,
    host = '127.0.0.1',
    jwtSecret = randomBytes(32).toString('hex'),
    hashKey = 'sim-hash-key',
    platform = 'testCRM',
    rcAdminTokens = ['rc-admin-token'],
    createNewContactEntry = true,
    specPath = join(process.cwd(), 'sim', 'app-connect', 'crm-server-openapi.json'),
    schemaCorrections = true,
    users: startUsers = [{ id: 'admin-1' }],
    contacts: startContacts = DEFAULT_CONTACTS,
    crmUsers: startCrmUsers = DEFAULT_CRM_USERS,
    ...knobOptions
  } = options;
  const published = JSON.parse(readFileSync(specPath, 'utf8')) as object;
  const validator = await OpenApiValidator.start(schemaCorrections ? applySchemaCorrections(published) : published);

  const initialKnobs: AppConnectKnobs = { ...DEFAULT_KNOBS, ...knobOptions };
  let knobs: AppConnectKnobs = structuredClone(initialKnobs);
  let users = new Map<string, SimAppConnectUser>();
  let contacts: SimContact[] = [];
  let crmUsers: SimCrmUser[] = [];
  let logs: SimCallLog[] = [];
  let failures: ValidationFailure[] = [];
  let requests: SimRequestRecord[] = [];
  let nextLogId = 1001;
  let nextContactId = 501;
  const load = (): void => {
    users = new Map(startUsers.map((u) => [u.id, structuredClone(u)]));
    contacts = structuredClone(startContacts);
    crmUsers = structuredClone(startCrmUsers);
    logs = [];
    failures = [];
    requests = [];
    nextLogId = 1001;
    nextContactId = 501;
  };
  load();

  const hash = (value: string): string => createHash('sha256').update(`${value}:${hashKey}`).digest('hex');
  const now = (): number => Math.floor(Date.now() / 1000);
  const issue = (userId: string, lifetime = JWT_LIFETIME_SECONDS): string =>
    signJwt({ id: userId, platform, iat: now(), exp: now() + lifetime, jti: randomUUID() } satisfies AppConnectJwtPayload, jwtSecret);

  // ---- route handlers (what packages/core/index.ts and handlers/*.ts do, reduced to an in-memory CRM) ----

  const warning = (message: string, ttl = 5000) => ({ message, messageType: 'warning', ttl });

  const findLinkage = (sessionId: string, hashedExtensionId: string, extensionNumber: string): SimCallLog | undefined =>
    logs.find(
      (l) =>
        l.sessionId === sessionId &&
        (hashedExtensionId
          ? l.hashedExtensionId === hashedExtensionId ||
            (extensionNumber !== '' && l.extensionNumber === extensionNumber && l.hashedExtensionId === '') ||
            (l.extensionNumber === '' && l.hashedExtensionId === '')
          : extensionNumber
            ? l.extensionNumber === extensionNumber
            : true),
    );

  const extensionIdentity = (source: Record<string, any>, nested: Record<string, any> = {}) => {
    const rcExtensionId = source.rcExtensionId ?? nested.rcExtensionId;
    const hashedExtensionId: string =
      source.hashedExtensionId ?? nested.hashedExtensionId ?? (rcExtensionId !== undefined ? hash(String(rcExtensionId)) : '');
    const extensionNumber = String(source.extensionNumber ?? nested.extensionNumber ?? '');
    return { rcExtensionId: rcExtensionId === undefined ? undefined : String(rcExtensionId), hashedExtensionId, extensionNumber };
  };

  const routes: Record<string, (h: Handled) => Answer> = {
    getContact: ({ req }) => {
      const raw = String(req.query.phoneNumber ?? '').replace(' ', '+');
      const isExtension = String(req.query.isExtension) === 'true';
      const wanted = isExtension ? raw : toE164(raw);
      const matches = contacts.filter((c) => (isExtension ? c.phone === raw : wanted !== null && toE164(c.phone) === wanted));
      const contact: Record<string, unknown>[] = matches.map((c) => ({
        id: c.id,
        name: c.name,
        phone: c.phone,
        type: c.type ?? 'Contact',
        ...(c.createdDate && { createdDate: c.createdDate }),
        ...(c.mostRecentActivityDate && { mostRecentActivityDate: c.mostRecentActivityDate }),
        additionalInfo: {},
      }));
      if (createNewContactEntry) contact.push({ id: 'createNewContact', name: 'Create new contact...', isNewContact: true, additionalInfo: {} });
      const returnMessage = matches.length
        ? { message: `Found ${matches.length} contacts`, messageType: 'success', ttl: 3000 }
        : warning('Contact not found');
      return { status: 200, body: { successful: true, returnMessage, contact } };
    },

    postContact: ({ req }) => {
      const body = req.body as { phoneNumber: string; newContactName: string; newContactType?: string };
      const contact: SimContact = { id: `c-${nextContactId++}`, name: body.newContactName, phone: body.phoneNumber, type: body.newContactType || 'Contact', createdDate: new Date().toISOString() };
      contacts.push(contact);
      return {
        status: 200,
        body: { successful: true, returnMessage: { message: 'Contact created', messageType: 'success', ttl: 2000 }, contact: { id: contact.id, name: contact.name, type: contact.type, phone: contact.phone } },
      };
    },

    postCallLog: ({ req, user }) => {
      const body = req.body as Record<string, any>;
      const logInfo = body.logInfo as Record<string, any>;
      const identity = extensionIdentity(body, logInfo);
      const sessionId = String(logInfo.sessionId);
      if (findLinkage(sessionId, identity.hashedExtensionId, identity.extensionNumber)) {
        return { status: 200, body: { successful: false, returnMessage: warning(`Existing log for session ${sessionId}`, 3000) } };
      }
      if (!body.contactId || body.contactId === '0') {
        const number = logInfo.direction === 'Inbound' ? logInfo.from?.phoneNumber : logInfo.to?.phoneNumber;
        return { status: 200, body: { successful: false, returnMessage: warning(`Contact not found for number ${number}`) } };
      }
      const headerAccount = req.get('rc-account-id');
      const log: SimCallLog = {
        logId: nextLogId++,
        userId: user.id,
        sessionId,
        ...(logInfo.telephonySessionId !== undefined && { telephonySessionId: String(logInfo.telephonySessionId) }),
        ...(identity.rcExtensionId !== undefined && { rcExtensionId: identity.rcExtensionId }),
        hashedExtensionId: identity.hashedExtensionId,
        extensionNumber: identity.extensionNumber,
        userAgent: req.get('user-agent'),
        isFromSSCL: req.get('user-agent') === 'SSCL',
        contactId: String(body.contactId),
        contactType: body.contactType,
        contactName: body.contactName,
        subject: logInfo.customSubject,
        note: body.note,
        accountId: logInfo.accountId,
        hashedAccountId: headerAccount ?? hash(String(logInfo.accountId)),
        logInfo: structuredClone(logInfo),
        additionalSubmission: body.additionalSubmission,
        updates: [],
        createdAt: new Date().toISOString(),
      };
      logs.push(log);
      return { status: 200, body: { successful: true, logId: log.logId, returnMessage: { message: 'Call logged', messageType: 'success', ttl: 2000 } } };
    },

    patchCallLog: ({ req }) => {
      const body = req.body as Record<string, any>;
      const identity = extensionIdentity(body);
      const log = findLinkage(String(body.sessionId), identity.hashedExtensionId, identity.extensionNumber);
      if (!log) return { status: 200, body: { successful: false } };
      log.updates.push(structuredClone(body));
      if (typeof body.subject === 'string') log.subject = body.subject;
      if (typeof body.note === 'string') log.note = body.note;
      return {
        status: 200,
        body: {
          successful: true,
          logId: String(log.logId),
          ...(log.note !== undefined && { updatedNote: log.note }),
          returnMessage: { message: 'Call log updated.', messageType: 'success', ttl: 3000 },
        },
      };
    },

    getCallLog: ({ req }) => {
      const sessionIds = String(req.query.sessionIds ?? '').split(',').filter(Boolean).slice(0, 5);
      const extensionNumber = req.query.extensionNumber === undefined ? '' : String(req.query.extensionNumber);
      const hashedExtensionId = req.query.hashedExtensionId === undefined ? '' : String(req.query.hashedExtensionId);
      const found = sessionIds.map((sessionId) => {
        const log = findLinkage(sessionId, hashedExtensionId, extensionNumber);
        return log ? { sessionId, matched: true, logId: String(log.logId) } : { sessionId, matched: false };
      });
      return { status: 200, body: { successful: true, logs: found } };
    },

    getAdminServerLoggingSettings: ({ user }) => ({ status: 200, body: { ...user.serverLoggingSettings } }),

    postAdminServerLoggingSettings: ({ req, user }) => {
      const values = (req.body as Record<string, unknown> | undefined)?.additionalFieldValues;
      if (!values || typeof values !== 'object') return { status: 400, body: 'Missing additionalFieldValues' };
      user.serverLoggingSettings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)]));
      return { status: 200, body: { successful: true, returnMessage: { message: 'Server logging settings updated', messageType: 'success', ttl: 3000 } } };
    },

    postAdminUserMapping: ({ req }) => {
      const token = req.get('x-rc-access-token') ?? (req.body as Record<string, any> | undefined)?.rcAccessToken ?? req.query.rcAccessToken;
      if (typeof token !== 'string' || !rcAdminTokens.includes(token)) return { status: 403, body: 'Admin validation failed' };
      const extensions = ((req.body as Record<string, any> | undefined)?.rcExtensionList ?? []) as Record<string, any>[];
      const mapping = crmUsers.map((crm) => {
        // core's auto-match: the first extension with the same email or name (and never undefined === undefined).
        const match = extensions.find(
          (e) =>
            (crm.email !== undefined && e.email === crm.email) ||
            e.name === crm.name ||
            (e.firstName !== undefined && `${e.firstName} ${e.lastName}` === crm.name),
        );
        return {
          crmUser: { id: crm.id, name: crm.name, ...(crm.email !== undefined && { email: crm.email }) },
          rcUser: match
            ? [{ extensionId: match.id, name: match.name ?? `${match.firstName} ${match.lastName}`, extensionNumber: String(match.extensionNumber ?? ''), email: match.email ?? '' }]
            : [],
        };
      });
      return { status: 200, body: mapping };
    },

    getLicenseStatus: ({ user }) => ({
      status: 200,
      body: user.license ?? { isLicenseValid: true, licenseStatus: 'Basic', licenseStatusDescription: '' },
    }),
  };

  // ---- HTTP: validation, auth, knobs ----

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.json({ limit: '5mb' }));

  app.use(async (req: Request, res: Response) => {
    const requestHeaders = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    const query = { ...(req.query as Record<string, unknown>) };
    const validation = await validator.validateRequest({ method: req.method, path: req.path, query, headers: requestHeaders, body: req.body });
    const operationId = validation.operationId;
    if (!operationId) {
      res.status(404).json({ error: 'not_found', message: `${req.method} ${req.path} is not in the App Connect API` });
      return;
    }
    if (validation.errors.length) {
      failures.push({ direction: 'request', operationId, method: req.method, path: req.path, errors: validation.errors });
      await send(req, res, operationId, { status: 400, body: { error: 'request_validation_failed', errors: validation.errors } }, requestHeaders, undefined);
      return;
    }
    const route = routes[operationId];
    let refreshed: string | undefined;
    const answer = await (async (): Promise<Answer> => {
      if (!route) return { status: 501, body: { error: 'not_implemented', message: `${operationId} is not simulated` } };
      if (knobs.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, knobs.latencyMs));
      if (knobs.rateLimit && knobs.rateLimit.rejectNext > 0) {
        knobs.rateLimit.rejectNext--;
        return { status: 429, body: { error: 'rate_limited' }, headers: { 'Retry-After': String(knobs.rateLimit.retryAfterSeconds ?? 1) } };
      }
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? (typeof req.query.jwtToken === 'string' ? req.query.jwtToken : undefined);
      const payload = bearer ? verifyJwt(bearer, jwtSecret, now()) : undefined;
      if (!payload) {
        if (operationId === 'getLicenseStatus') {
          return { status: 200, body: { isLicenseValid: false, licenseStatus: 'Invalid (Invalid user session)', licenseStatusDescription: '' } };
        }
        return { status: 400, body: AUTHORIZE_MESSAGE };
      }
      if (knobs.refreshJwt || payload.exp - now() <= JWT_REFRESH_THRESHOLD_SECONDS) refreshed = issue(payload.id);
      const user = users.get(payload.id);
      if (!user) {
        if (operationId === 'getLicenseStatus') {
          return { status: 200, body: { isLicenseValid: false, licenseStatus: 'Invalid (User not found)', licenseStatusDescription: '' } };
        }
        if (operationId === 'getContact') return { status: 200, body: { successful: false, returnMessage: warning('Contact not found') } };
        if (operationId === 'postCallLog' || operationId === 'patchCallLog') return { status: 200, body: { successful: false, returnMessage: warning('User not found') } };
        return { status: 400, body: 'User not found' };
      }
      if (knobs.revokeSession) {
        return {
          status: 401,
          body: { successful: false, returnMessage: warning('User session expired. Please connect again.'), errorCode: 'CRM_SESSION_REVOKED' },
        };
      }
      const failing = knobs.successfulFalse;
      if (failing && (failing.operations ?? SUCCESS_SHAPED).includes(operationId) && (failing.count === undefined || failing.count > 0)) {
        if (failing.count !== undefined) failing.count--;
        return { status: 200, body: { successful: false, returnMessage: warning(failing.message) } };
      }
      return route({ req, operationId, user });
    })();
    await send(req, res, operationId, answer, requestHeaders, refreshed);
  });

  async function send(
    req: Request,
    res: Response,
    operationId: string,
    answer: Answer,
    requestHeaders: Record<string, string>,
    refreshedJwt: string | undefined,
  ): Promise<void> {
    const headers: Record<string, string> = { ...answer.headers, ...(refreshedJwt && { 'x-refreshed-jwt-token': refreshedJwt }) };
    const errors = await validator.validateResponse({ operationId, status: answer.status, body: answer.body, headers });
    let final = answer;
    if (errors.length) {
      failures.push({ direction: 'response', operationId, method: req.method, path: req.path, status: answer.status, errors });
      final = { status: 500, body: { error: 'response_validation_failed', status: answer.status, errors } };
    }
    requests.push({ operationId, method: req.method, path: req.path, query: { ...(req.query as Record<string, unknown>) }, headers: requestHeaders, body: req.body, status: final.status });
    res.status(final.status).set(final === answer ? headers : {});
    if (typeof final.body === 'string') res.type('text/plain').send(final.body);
    else if (final.body === undefined) res.end();
    else res.json(final.body);
  }

  const server = app.listen(port, host);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
  } catch (error) {
    await validator.close();
    throw error;
  }
  const actualPort = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  return {
    url,
    port: actualPort,
    close: async () => {
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // fetch keeps connections alive; without this close() waits for their idle timeout.
        server.closeAllConnections();
      });
      await validator.close();
    },
    issueJwt: ({ userId, expiresInSeconds } = {}) => issue(userId ?? startUsers[0]?.id ?? 'admin-1', expiresInSeconds),
    callLogs: () => structuredClone(logs),
    validationFailures: () => structuredClone(failures),
    requests: () => structuredClone(requests),
    serverLoggingSettings: (userId) => ({ ...users.get(userId ?? startUsers[0]?.id ?? 'admin-1')?.serverLoggingSettings }),
    knobs: () => structuredClone(knobs),
    setKnobs: (partial) => {
      knobs = { ...knobs, ...structuredClone(partial) };
    },
    reset: () => {
      load();
      knobs = structuredClone(initialKnobs);
    },
  };
}
