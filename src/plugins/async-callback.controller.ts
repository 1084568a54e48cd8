import { Body, Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AppError } from '../common/errors/app-error';
import { isTaskId, parseCallbackBody } from './async-callback.body';
import { AsyncPluginService } from './async-plugin.service';

/** The contract's AsyncPluginCallbackResponse: `successful` says whether the report was accepted. */
interface CallbackAnswer {
  successful: boolean;
  message?: string;
  field?: string;
}

/**
 * App Connect's async-plugin callback (ARCHITECTURE.md §5). Not admin-authenticated: the random task id in the URL is
 * the capability, valid once and for a week. Answers use the contract's shape, errors included, since plugin
 * servers parse them; the work (appending the note to the CRM log) happens in a job, so a slow CRM never holds the
 * plugin's request and a failing one is retried.
 */
@ApiTags('plugins')
@Controller('plugins')
export class AsyncCallbackController {
  constructor(private readonly asyncPlugins: AsyncPluginService) {}

  @Post('async-callback/:taskId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Async plugin completion callback',
    description: 'Body `{successful, note?, message?}`. 400 names the bad field; 404 for an unknown, expired or already used task id (nothing changes).',
  })
  async callback(@Param('taskId') taskId: string, @Body() body: unknown, @Res({ passthrough: true }) res: Response): Promise<CallbackAnswer> {
    let report;
    try {
      report = parseCallbackBody(body);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      res.status(400);
      return { successful: false, message: error.message, ...(error.field && { field: error.field }) };
    }
    if (!isTaskId(taskId) || !(await this.asyncPlugins.acceptCallback(taskId, report))) {
      res.status(404);
      return { successful: false, message: 'Async task not found' };
    }
    return { successful: true };
  }
}
