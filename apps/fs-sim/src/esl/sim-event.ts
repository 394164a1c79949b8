import { fsUrlEncode } from './url-encode';

export type EventFormat = 'plain' | 'json' | 'xml';

/**
 * A run of headers shared by several events (a channel's variables), serialised at most
 * once per format however many events carry it. Never empty values (callers filter them).
 */
export class HeaderBlock {
  private json: string | undefined;
  private plain: string | undefined;

  constructor(readonly headers: string[]) {}

  /** `"k":"v","k2":"v2"` without surrounding commas. */
  jsonFragment(): string {
    if (this.json === undefined) {
      const h = this.headers;
      let out = '';
      for (let i = 0; i < h.length; i += 2) out += (i ? ',' : '') + jsonKey(h[i]!) + jsonString(h[i + 1]!);
      this.json = out;
    }
    return this.json;
  }

  /** `k: v\n` lines, URL-encoded like every plain value. */
  plainFragment(): string {
    if (this.plain === undefined) {
      const h = this.headers;
      let out = '';
      for (let i = 0; i < h.length; i += 2) out += `${h[i]}: ${fsUrlEncode(h[i + 1]!)}\n`;
      this.plain = out;
    }
    return this.plain;
  }
}

/**
 * One event on a switch's bus. Headers keep FreeSWITCH's insertion order and allow
 * duplicates (CHANNEL_HANGUP_COMPLETE carries Hangup-Cause twice). The wire bytes are
 * built at most once per format and shared by every subscriber, because one channel
 * event fans out to many connections and serialising is the simulator's hottest path.
 */
export class SimEvent {
  /** Flat [name, value, name, value, ...]; empty values are never stored (absent != empty). */
  readonly headers: string[] = [];
  body: string | undefined;
  /** Where shared blocks sit in `headers` (start index), so serialisers can reuse their text. */
  private blocks: Array<{ start: number; block: HeaderBlock }> | undefined;
  private readonly wire: Partial<Record<EventFormat, Buffer>> = {};

  constructor(
    readonly name: string,
    readonly subclass?: string,
  ) {}

  add(name: string, value: string | number | boolean | undefined | null): this {
    if (value === undefined || value === null) return this;
    const text = typeof value === 'string' ? value : String(value);
    if (text === '') return this;
    this.headers.push(name, text);
    return this;
  }

  /** Appends a shared block; its headers stay visible to get() (filters look inside). */
  addBlock(block: HeaderBlock): this {
    if (block.headers.length === 0) return this;
    (this.blocks ??= []).push({ start: this.headers.length, block });
    for (const x of block.headers) this.headers.push(x);
    return this;
  }

  /** Case-insensitive, first match, like switch_event_get_header. */
  get(name: string): string | undefined {
    const wanted = name.toLowerCase();
    const h = this.headers;
    for (let i = 0; i < h.length; i += 2) {
      if (h[i]!.length === wanted.length && h[i]!.toLowerCase() === wanted) return h[i + 1];
    }
    return undefined;
  }

  serialize(format: EventFormat): string {
    if (format === 'json') return this.toJson();
    if (format === 'xml') return this.toXml();
    return this.toPlain();
  }

  /** The complete message for an event subscriber: envelope (Content-Length first) plus body. */
  wireBytes(format: EventFormat): Buffer {
    const cached = this.wire[format];
    if (cached) return cached;
    // One UTF-8 encoding pass: the body is encoded straight after the envelope, whose
    // Content-Length is then known from the encoded size.
    const body = this.serialize(format);
    const maxBody = body.length * 3;
    const envelopeMax = 64;
    const buf = Buffer.allocUnsafe(envelopeMax + maxBody);
    const bodyBytes = buf.write(body, envelopeMax, 'utf8');
    const envelope = `Content-Length: ${bodyBytes}\nContent-Type: text/event-${format}\n\n`;
    const start = envelopeMax - envelope.length;
    buf.write(envelope, start, 'latin1');
    const wire = Buffer.from(buf.subarray(start, envelopeMax + bodyBytes));
    this.wire[format] = wire;
    return wire;
  }

  private toPlain(): string {
    const h = this.headers;
    const blocks = this.blocks;
    let next = 0;
    let out = '';
    for (let i = 0; i < h.length; i += 2) {
      if (blocks && next < blocks.length && blocks[next]!.start === i) {
        const b = blocks[next++]!.block;
        out += b.plainFragment();
        i += b.headers.length - 2;
        continue;
      }
      const encoded = fsUrlEncode(h[i + 1]!);
      out += `${h[i]}: ${encoded === '' ? '_undef_' : encoded}\n`;
    }
    if (this.body !== undefined && this.body !== '') {
      out += `Content-Length: ${Buffer.byteLength(this.body, 'utf8')}\n\n${this.body}`;
    } else {
      out += '\n';
    }
    return out;
  }

  private toJson(): string {
    const h = this.headers;
    const blocks = this.blocks;
    let next = 0;
    let out = '{';
    for (let i = 0; i < h.length; i += 2) {
      if (i) out += ',';
      if (blocks && next < blocks.length && blocks[next]!.start === i) {
        const b = blocks[next++]!.block;
        out += b.jsonFragment();
        i += b.headers.length - 2;
        continue;
      }
      out += jsonKey(h[i]!) + jsonString(h[i + 1]!);
    }
    if (this.body !== undefined && this.body !== '') {
      out += `${h.length ? ',' : ''}"Content-Length":"${Buffer.byteLength(this.body, 'utf8')}","_body":${JSON.stringify(this.body)}`;
    }
    return out + '}';
  }

  private toXml(): string {
    const h = this.headers;
    let out = '<event>\n  <headers>\n';
    for (let i = 0; i < h.length; i += 2) {
      out += `    <${h[i]}>${fsUrlEncode(h[i + 1]!)}</${h[i]}>\n`;
    }
    out += '  </headers>\n';
    if (this.body !== undefined && this.body !== '') {
      out += `  <Content-Length>${Buffer.byteLength(this.body, 'utf8')}</Content-Length>\n  <body>${escapeXml(this.body)}</body>\n`;
    }
    return out + '</event>';
  }
}

const keyCache = new Map<string, string>();
/** Header names repeat across millions of events: quote each once. */
function jsonKey(name: string): string {
  let quoted = keyCache.get(name);
  if (quoted === undefined) {
    quoted = JSON.stringify(name) + ':';
    if (keyCache.size < 10_000) keyCache.set(name, quoted);
  }
  return quoted;
}

// Characters that JSON must escape (and lone surrogates, which JSON.stringify escapes too).
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
function jsonString(value: string): string {
  return NEEDS_ESCAPE.test(value) ? JSON.stringify(value) : '"' + value + '"';
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
