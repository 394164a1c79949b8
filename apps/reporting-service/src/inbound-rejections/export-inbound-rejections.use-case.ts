import { Injectable } from '@nestjs/common';
import {
  CSV_CHUNK_MAX_BYTES,
  type ExportCallRecordsReply,
  type ExportInboundRejectionsRequest,
} from '@autotelesale/contracts';
import {
  encodeTimeKeyset,
  fillCsvChunk,
  inboundRejectionCsvHeader,
  inboundRejectionCsvLine,
} from '@autotelesale/reporting-domain';
import { ReportingDatabase } from '../db/reporting-database';
import {
  decodeRejectionCursor,
  inboundRejectionOf,
  inboundRejectionPageQuery,
  keysetOf,
  type InboundRejectionRow,
} from './inbound-rejection-query';

/**
 * One chunk of the refused inbound calls as CSV, like the call-record export: at most
 * `maxRows` lines and CSV_CHUNK_MAX_BYTES bytes, the header first in the first chunk.
 */
@Injectable()
export class ExportInboundRejectionsUseCase {
  constructor(private readonly db: ReportingDatabase) {}

  async execute(request: ExportInboundRejectionsRequest): Promise<ExportCallRecordsReply> {
    const query = { report: 'inboundRejections', filter: request.filter, order: request.order, export: true };
    const after = request.cursor ? decodeRejectionCursor(request.cursor, query) : null;
    const { text, values } = inboundRejectionPageQuery(
      request.filter,
      request.order,
      after,
      request.maxRows + 1,
    );
    const { rows } = await this.db.query<InboundRejectionRow>(text, values);
    const { chunk, taken } = fillCsvChunk(rows, (row) => inboundRejectionCsvLine(inboundRejectionOf(row)), {
      header: request.cursor ? '' : inboundRejectionCsvHeader(),
      maxRows: request.maxRows,
      maxBytes: CSV_CHUNK_MAX_BYTES,
    });
    const last = rows[taken - 1];
    return {
      chunk,
      rows: taken,
      nextCursor: taken < rows.length && last ? encodeTimeKeyset(keysetOf(last), query) : null,
      fileName: 'inbound-rejections.csv',
    };
  }
}
