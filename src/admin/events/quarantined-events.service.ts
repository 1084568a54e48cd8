import { Injectable } from '@nestjs/common';
import { FOLD_WAKE_TOPIC } from '../../jobs/job-names';
import { JobQueue } from '../../jobs/job-queue.service';
import { AdminQuarantineRepository } from './admin-quarantine.repository';
import type { ListQuarantinedQueryDto, QuarantinedEventPageDto, RefoldResultDto } from './quarantined-events.dto';

const DEFAULT_LIMIT = 50;

/** Notifications the fold could not take, as the admin sees them, and folding them again (after an upgrade). */
@Injectable()
export class QuarantinedEventsService {
  constructor(
    private readonly quarantine: AdminQuarantineRepository,
    private readonly queue: JobQueue,
  ) {}

  async list(accountId: string, query: ListQuarantinedQueryDto): Promise<QuarantinedEventPageDto> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const rows = await this.quarantine.listByAccount(accountId, limit + 1, query.cursor);
    const items = rows.slice(0, limit);
    return { items, nextCursor: rows.length > limit ? items[items.length - 1]!.id : null };
  }

  async refold(accountId: string): Promise<RefoldResultDto> {
    const result = await this.quarantine.requeue(accountId);
    if (result.requeued) this.queue.notify(FOLD_WAKE_TOPIC);
    return result;
  }
}
