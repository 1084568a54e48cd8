import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { ApiErrorDto } from '../common/api-error.dto';
import { CallLogReportService } from './call-log-report.service';
import { BulkRetryResultDto, CallLogDetailDto, CallLogFilterDto, CallLogIdParamDto, CallLogItemDto, CallLogPageDto, ListCallLogsQueryDto } from './call-logs.dto';

@AdminApi()
@ApiBadRequestResponse({ type: ApiErrorDto, description: 'VALIDATION_FAILED naming the query field or `id`' })
@Controller('admin/call-logs')
export class CallLogsController {
  constructor(private readonly report: CallLogReportService) {}

  @Get()
  @ApiOperation({ summary: 'Calls and where their logging stands, newest first', description: 'Keyset pagination: pass `nextCursor` back as `cursor` with the same filters.' })
  @ApiOkResponse({ type: CallLogPageDto })
  list(@CurrentAdmin() admin: AdminPrincipal, @Query() query: ListCallLogsQueryDto): Promise<CallLogPageDto> {
    return this.report.list(admin.account.id, query);
  }

  @Post('retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Retry many calls',
    description: `Takes the list's filters (query string). Retries failed calls, or skipped ones with status=skipped, newest first, up to 1000 per request (\`more\` says whether to call again).`,
  })
  @ApiOkResponse({ type: BulkRetryResultDto })
  retryMany(@CurrentAdmin() admin: AdminPrincipal, @Query() query: CallLogFilterDto): Promise<BulkRetryResultDto> {
    return this.report.retryMany(admin.account.id, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One call explained: its parties and a timeline of events folded, decisions taken and CRM calls with their outcome' })
  @ApiOkResponse({ type: CallLogDetailDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'NOT_FOUND: no such call in this account' })
  get(@CurrentAdmin() admin: AdminPrincipal, @Param() params: CallLogIdParamDto): Promise<CallLogDetailDto> {
    return this.report.get(admin.account.id, params.id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({ summary: 'Retry one failed or skipped call', description: 'Back to pending (attempts kept) and queued for logging; the retry shows on its timeline.' })
  @ApiOkResponse({ type: CallLogItemDto })
  @ApiNotFoundResponse({ type: ApiErrorDto, description: 'NOT_FOUND: no such call in this account' })
  @ApiConflictResponse({ type: ApiErrorDto, description: 'CONFLICT: the call is not failed or skipped' })
  retry(@CurrentAdmin() admin: AdminPrincipal, @Param() params: CallLogIdParamDto): Promise<CallLogItemDto> {
    return this.report.retry(admin.account.id, params.id);
  }
}
