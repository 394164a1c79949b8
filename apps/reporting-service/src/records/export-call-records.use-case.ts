import { Injectable } from '@nestjs/common';
import {
  CSV_CHUNK_MAX_BYTES,
  type ExportCallRecordsReply,
  type ExportCallRecordsRequest,
} from '@autotelesale/contracts';
import {
  callCsvHeader,
  callCsvLine,
  decodeCursor,
  encodeCursor,
  fillCsvChunk,
} from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import { callRecordPageQuery, type CallRecordPageRow } from './call-record-query';
import { reportedCallOf } from './call-record-rows';

/**
 * One chunk of the CSV export: at most `maxRows` lines and CSV_CHUNK_MAX_BYTES bytes (a
 * line that would pass it starts the next chunk), the header first in the first chunk.
 * The cursor is the list's keyset, so an export runs in pages however long the range.
 */
@Injectable()
export class ExportCallRecordsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: ExportCallRecordsRequest): Promise<ExportCallRecordsReply> {
    const query = { filter: request.filter, order: request.order, export: true };
    const after = request.cursor ? decodeCursor(request.cursor, query) : null;
    const { text, values } = callRecordPageQuery(request.filter, request.order, after, request.maxRows + 1);
    const { rows } = await this.db.query<CallRecordPageRow>(text, values);
    const { chunk, taken } = fillCsvChunk(rows, (row) => callCsvLine(reportedCallOf(row)), {
      header: request.cursor ? '' : callCsvHeader(),
      maxRows: request.maxRows,
      maxBytes: CSV_CHUNK_MAX_BYTES,
    });
    const last = rows[taken - 1];
    const more = taken < rows.length;
    const scope = request.filter.campaignId ? `campaign-${request.filter.campaignId}` : 'all';
    return {
      chunk,
      rows: taken,
      nextCursor:
        more && last ? encodeCursor({ dialedAt: last.dialed_at!, callId: last.call_id }, query) : null,
      fileName: `calls-${scope}.csv`,
    };
  }
}
