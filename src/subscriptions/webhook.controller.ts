import { Body, Controller, Headers, HttpCode, Logger, Post, Res } from '@nestjs/common';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../common/errors/app-error';
import { isTelephonyNotificationParseError, parseTelephonyNotification } from '../ringcentral/types';
import { MetricsService } from '../health/metrics.service';
import { InboxWriter } from './inbox.writer';
import { WebhookVerifier } from './webhook-verifier';

/**
 * RingCentral's WebHook delivery. Acknowledge fast, after the notification is committed; no RingCentral or CRM call
 * happens on this path.
 */
@Controller('webhooks')
export class WebhookController {
  private readonly logger = new Logger(WebhookController.name);

  constructor(
    private readonly verifier: WebhookVerifier,
    private readonly inbox: InboxWriter,
    private readonly metrics: MetricsService,
  ) {}

  @Post('ringcentral')
  @HttpCode(200)
  @ApiExcludeEndpoint()
  async receive(
    @Headers('validation-token') validationToken: string | undefined,
    @Headers('verification-token') verificationToken: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) res: Response,
  ): Promise<void> {
    if (validationToken) {
      // Subscription handshake: echo the header within this request, nothing else (RingCentral caps the answer at 1 KiB).
      res.setHeader('Validation-Token', validationToken);
      this.metrics.webhookNotifications.inc({ outcome: 'handshake' });
      return;
    }
    const notification = parseTelephonyNotification(body);
    if (isTelephonyNotificationParseError(notification)) {
      this.metrics.webhookNotifications.inc({ outcome: 'invalid' });
      this.logger.warn({ field: notification.field, error: notification.error }, 'refused a webhook notification that is not a telephony session event');
      throw AppError.validation(notification.field, notification.error);
    }
    const accountId = await this.verifier.verify(notification.subscriptionId, verificationToken);
    if (!accountId) {
      this.metrics.webhookNotifications.inc({ outcome: 'unauthorized' });
      this.logger.warn({ rcSubscriptionId: notification.subscriptionId, tokenPresent: Boolean(verificationToken) }, 'refused a webhook notification: unknown subscription or wrong Verification-Token');
      throw new AppError('UNAUTHORIZED', 'Verification-Token does not match the subscription named in the notification');
    }
    const stored = await this.inbox.write({
      uuid: notification.uuid,
      accountId,
      rcSubscriptionId: notification.subscriptionId,
      telephonySessionId: notification.body.telephonySessionId,
      payload: body,
    });
    this.metrics.webhookNotifications.inc({ outcome: stored ? 'stored' : 'duplicate' });
  }
}
