import { Injectable } from '@nestjs/common';
import {
  CSV_CHUNK_MAX_BYTES,
  type ExportCallRecordsReply,
  type ExportKpisCsvRequest,
} from '@autotelesale/contracts';
import {
  decodeTimeKeyset,
  encodeTimeKeyset,
  kpiCsvChunk,
  kpiCsvFileName,
} from '@autotelesale/reporting-domain';
import { QueryKpisUseCase } from './query-kpis.use-case';

/**
 * One chunk of `kpis.query` as CSV. Each chunk runs the query again and writes the rows
 * after the cursor's (group, bucket): a KPI reply is small next to call records (groups x
 * buckets, at most 2,000 buckets), and a keyset, unlike an offset, neither repeats nor
 * skips a row when a group appears between two chunks.
 */
@Injectable()
export class ExportKpisCsvUseCase {
  constructor(private readonly kpis: QueryKpisUseCase) {}

  async execute(request: ExportKpisCsvRequest): Promise<ExportCallRecordsReply> {
    const bound = { report: 'kpis', query: request.query };
    const after = request.cursor ? decodeTimeKeyset(request.cursor, bound) : null;
    const reply = await this.kpis.execute(request.query);
    const chunk = kpiCsvChunk(reply.rows, { after, maxRows: request.maxRows, maxBytes: CSV_CHUNK_MAX_BYTES });
    return {
      chunk: chunk.chunk,
      rows: chunk.rows,
      nextCursor: chunk.next ? encodeTimeKeyset(chunk.next, bound) : null,
      fileName: kpiCsvFileName(reply),
    };
  }
}
