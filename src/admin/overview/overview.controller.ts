import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Clock } from '../../common/clock';
import { AdminApi } from '../auth/admin-api.decorator';
import { CurrentAdmin, type AdminPrincipal } from '../auth/admin-principal';
import { type DayCountsDto, OverviewDto, OverviewQueryDto } from './overview.dto';
import { OverviewRepository } from './overview.repository';

const DAY_MS = 86_400_000;

@AdminApi()
@Controller('admin/overview')
export class OverviewController {
  constructor(
    private readonly repository: OverviewRepository,
    private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Calls per day (logged, skipped, failed, pending) and the top skip and failure reasons', description: 'Days are UTC days of the call end.' })
  @ApiOkResponse({ type: OverviewDto })
  async get(@CurrentAdmin() admin: AdminPrincipal, @Query() query: OverviewQueryDto): Promise<OverviewDto> {
    const days = query.days ?? 30;
    const today = Math.floor(this.clock.nowMs() / DAY_MS) * DAY_MS;
    const from = new Date(today - (days - 1) * DAY_MS);
    const accountId = admin.account.id;
    const [counted, topSkipReasons, topFailureReasons] = await Promise.all([
      this.repository.perDay(accountId, from),
      this.repository.topReasons(accountId, 'skipped', from),
      this.repository.topReasons(accountId, 'failed', from),
    ]);
    const byDay = new Map(counted.map((d) => [d.day, d]));
    const series: DayCountsDto[] = [];
    for (let i = 0; i < days; i++) {
      const day = new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10);
      series.push(byDay.get(day) ?? { day, logged: 0, skipped: 0, failed: 0, pending: 0 });
    }
    const totals = series.reduce(
      (t, d) => ({ ...t, logged: t.logged + d.logged, skipped: t.skipped + d.skipped, failed: t.failed + d.failed, pending: t.pending + d.pending }),
      { day: 'total', logged: 0, skipped: 0, failed: 0, pending: 0 },
    );
    return { days: series, topSkipReasons, topFailureReasons, totals };
  }
}
