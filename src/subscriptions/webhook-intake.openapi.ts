/**
 * The webhook route in /docs. It is answered by a middleware ahead of Nest's router (WebhookIntake), so Swagger's
 * scanner cannot see it; this entry is merged into the document by `createApp`.
 */
const errorBody = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ApiErrorDto' } } },
});

export const WEBHOOK_OPENAPI_PATHS: Record<string, unknown> = {
  '/webhooks/ringcentral': {
    post: {
      tags: ['ringcentral'],
      summary: 'RingCentral WebHook delivery (telephony-session notifications)',
      description:
        'With a `Validation-Token` header (subscription handshake): the header is echoed, 200, nothing stored. ' +
        'Otherwise the body is a notification: its `subscriptionId` must name a known subscription and the ' +
        '`Verification-Token` header match that subscription\'s token. A verified notification is stored (unique on ' +
        '`uuid`) and acknowledged 200 whatever the rest of its body holds; what cannot be folded is quarantined ' +
        '(GET /admin/events/quarantined).',
      parameters: [
        { name: 'Validation-Token', in: 'header', required: false, schema: { type: 'string' }, description: 'Sent by RingCentral when the subscription is created' },
        { name: 'Verification-Token', in: 'header', required: false, schema: { type: 'string' }, description: 'The token registered with the subscription' },
      ],
      requestBody: {
        required: false,
        content: {
          'application/json': {
            schema: {
              type: 'object',
              required: ['uuid', 'subscriptionId'],
              properties: {
                uuid: { type: 'string', description: 'Notification id (de-duplication key)' },
                subscriptionId: { type: 'string' },
                event: { type: 'string', example: '/restapi/v1.0/account/~/telephony/sessions' },
                timestamp: { type: 'string', format: 'date-time' },
                body: { type: 'object', description: 'The telephony session event (read when folding)' },
              },
            },
          },
        },
      },
      responses: {
        '200': { description: 'Stored (or a duplicate, or the handshake answered)' },
        '400': errorBody('VALIDATION_FAILED: not JSON, not an object, or no `subscriptionId`/`uuid` string (`field` names it)'),
        '401': errorBody('UNAUTHORIZED: unknown subscription or wrong Verification-Token; nothing stored'),
        '413': errorBody('PAYLOAD_TOO_LARGE: body above 1 MiB; nothing stored'),
      },
    },
  },
};
