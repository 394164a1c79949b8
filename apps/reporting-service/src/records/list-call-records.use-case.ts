import { Injectable } from '@nestjs/common';
import type { ListCallRecordsReply, ListCallRecordsRequest } from '@autotelesale/contracts';
import { decodeCursor, encodeCursor } from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import { callRecordPageQuery, type CallRecordPageRow } from './call-record-query';
import { reportedCallOf } from './call-record-rows';

/** A page of call records, newest first unless asked otherwise; keyset cursors. */
@Injectable()
export class ListCallRecordsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: ListCallRecordsRequest): Promise<ListCallRecordsReply> {
    const query = { filter: request.filter, order: request.order };
    const after = request.cursor ? decodeCursor(request.cursor, query) : null;
    const { text, values } = callRecordPageQuery(request.filter, request.order, after, request.limit + 1);
    const { rows } = await this.db.query<CallRecordPageRow>(text, values);
    const page = rows.slice(0, request.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(reportedCallOf),
      nextCursor:
        rows.length > request.limit && last
          ? encodeCursor({ dialedAt: last.dialed_at!, callId: last.call_id }, query)
          : null,
    };
  }
}
