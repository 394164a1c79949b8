import type { ImportRejectCode } from '@autotelesale/contracts';

export interface ExpectedReject {
  line: number;
  code: ImportRejectCode;
}

export interface GeneratedList {
  csv: string;
  rows: number;
  accepted: number;
  merged: number;
  rejects: ExpectedReject[];
  blankLines: number;
  /** The E.164 numbers that must end up as contacts. */
  phones: Set<string>;
}

const CITIES = ['Hà Nội', 'Hồ Chí Minh', 'Đà Nẵng', 'Huế', 'Cần Thơ'];

/** Vietnamese mobile numbers, national format with spaces: `0961 166 133`. */
export function vnMobile(i: number): { national: string; e164: string } {
  const subscriber = String(1_000_000 + i)
    .padStart(7, '0')
    .slice(-7);
  const national = `096${subscriber}`;
  return {
    national: `${national.slice(0, 4)} ${national.slice(4, 7)} ${national.slice(7)}`,
    e164: `+84${national.slice(1)}`,
  };
}

/**
 * A CSV list of `rows` data rows with known problems at known places, and the exact
 * report its import must give: bad numbers, empty numbers, wrong cell counts, a
 * duplicate now and then (merged), formula cells, multi-line quoted cells, blank lines,
 * a BOM and CRLF line ends.
 */
export function generateList(rows: number, options: { bom?: boolean; eol?: string } = {}): GeneratedList {
  const eol = options.eol ?? '\r\n';
  const lines: string[] = ['Số điện thoại,Họ tên,Thành phố,Ghi chú,Điểm'];
  let line = 1;
  let accepted = 0;
  let merged = 0;
  let blankLines = 0;
  const rejects: ExpectedReject[] = [];
  const phones = new Set<string>();
  let lastPhone = vnMobile(0);
  for (let i = 1; i <= rows; i++) {
    if (i % 1000 === 500) {
      lines.push('');
      line++;
      blankLines++;
    }
    line++;
    const city = CITIES[i % CITIES.length];
    let note = i % 13 === 0 ? '=HYPERLINK("http://evil.example","click")' : `ghi chú ${i}`;
    let phone = vnMobile(i);
    let expectation: 'accept' | 'merge' | ImportRejectCode = 'accept';
    if (i % 50 === 7) {
      phone = { national: '12345', e164: '' };
      expectation = 'PHONE_INVALID';
    } else if (i % 97 === 3) {
      phone = { national: '', e164: '' };
      expectation = 'PHONE_MISSING';
    } else if (i % 31 === 0) {
      phone = lastPhone; // the same number again: merged
      expectation = 'merge';
    }
    let extraLines = 0;
    if (i % 211 === 5) {
      lines.push(`${phone.national},Người ${i},${city}`); // a cell short
      rejects.push({ line, code: 'COLUMN_COUNT' });
      continue;
    }
    if (i % 17 === 0) {
      note = `dòng một\ndòng hai ${i}`;
      extraLines = 1;
    }
    lines.push(`${phone.national},"Người ${i}",${city},"${note.replace(/"/g, '""')}",${i % 100}`);
    if (expectation === 'accept') {
      accepted++;
      phones.add(phone.e164);
      lastPhone = phone;
    } else if (expectation === 'merge') {
      merged++;
    } else {
      rejects.push({ line, code: expectation });
    }
    line += extraLines;
  }
  const csv = (options.bom === false ? '' : '\uFEFF') + lines.join(eol) + eol;
  return { csv, rows, accepted, merged, rejects, blankLines, phones };
}
