/**
 * Places where App Connect's published crm-server-openapi.json disagrees with what its core actually sends, and
 * what this server validates instead. The JSON file beside this one is kept byte-for-byte as published; corrections
 * are applied to an in-memory copy, listed here so each one is visible and can be dropped when upstream fixes it.
 */
export interface SchemaCorrection {
  path: string;
  method: 'get' | 'post' | 'patch';
  status: string;
  why: string;
  schema: Record<string, unknown>;
}

const ID = { anyOf: [{ type: 'string' }, { type: 'number' }] };

const USER_MAPPING_ITEM = {
  type: 'object',
  required: ['crmUser', 'rcUser'],
  properties: {
    crmUser: {
      type: 'object',
      required: ['id'],
      properties: { id: ID, name: { type: 'string' }, email: { type: 'string' } },
      additionalProperties: true,
    },
    rcUser: {
      type: 'array',
      items: {
        type: 'object',
        properties: { extensionId: ID, name: { type: 'string' }, extensionNumber: { type: 'string' }, email: { type: 'string' } },
        additionalProperties: true,
      },
    },
  },
  additionalProperties: true,
};

export const SCHEMA_CORRECTIONS: SchemaCorrection[] = [
  {
    path: '/admin/userMapping',
    method: 'post',
    status: '200',
    why:
      'The document gives GenericSuccessResponse (type: object), but core sends the array that handlers/admin.ts ' +
      'getUserMapping returns: [{crmUser: {id, name, email}, rcUser: [{extensionId, name, extensionNumber, email}]}] ' +
      '(an object only for {successful: false, returnMessage} on a database error). Both are accepted here.',
    schema: { anyOf: [{ type: 'array', items: USER_MAPPING_ITEM }, { $ref: '#/components/schemas/GenericSuccessResponse' }] },
  },
];

/** A deep copy of `document` with SCHEMA_CORRECTIONS applied to the JSON schema of each listed response. */
export function applySchemaCorrections<T extends object>(document: T): T {
  const copy = structuredClone(document) as T & { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
  for (const correction of SCHEMA_CORRECTIONS) {
    const operation = copy.paths[correction.path]?.[correction.method];
    if (!operation) throw new Error(`schema correction: no ${correction.method.toUpperCase()} ${correction.path} in the document`);
    const response = operation.responses[correction.status];
    if (!response) throw new Error(`schema correction: no ${correction.status} response for ${correction.path}`);
    // The response is a $ref to a shared component (OkJson); replace it with an inline copy for this route only.
    const headers = response.$ref ? { 'X-Refreshed-JWT-Token': { $ref: '#/components/headers/RefreshedUserJwt' } } : response.headers;
    operation.responses[correction.status] = {
      description: `${response.description ?? 'Successful response'} (corrected: ${correction.why})`,
      ...(headers && { headers }),
      content: { 'application/json': { schema: correction.schema } },
    };
  }
  return copy;
}
