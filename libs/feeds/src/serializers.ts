import { csvLine } from '@synq/pim';
import { FEED_FIELDS, FeedItem } from './item';

export type FeedFileFormat = 'xml' | 'csv' | 'tsv' | 'json';

// XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF even when escaped
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function xmlEscape(s: string): string {
  return s.replace(XML_INVALID, '').replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&apos;'));
}

export function xmlHeader(title: string, link: string, description: string): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:g="http://base.google.com/ns/1.0">\n<channel>\n` +
    `<title>${xmlEscape(title)}</title>\n<link>${xmlEscape(link)}</link>\n<description>${xmlEscape(description)}</description>\n`
  );
}

export const XML_FOOTER = '</channel>\n</rss>\n';

/** One `<item>` with a `g:` element per present attribute, in the specification's order. */
export function xmlItem(item: FeedItem): string {
  let out = '<item>\n';
  for (const f of FEED_FIELDS) {
    const v = item[f];
    if (v === null || v === undefined || v === '') continue;
    if (Array.isArray(v)) for (const x of v) out += `<g:${f}>${xmlEscape(x)}</g:${f}>\n`;
    else out += `<g:${f}>${xmlEscape(v)}</g:${f}>\n`;
  }
  return `${out}</item>\n`;
}

/** CSV/TSV header: the same attribute names as the XML (without `g:`). */
export function delimitedHeader(delimiter: ',' | '\t'): string {
  return csvLine([...FEED_FIELDS], delimiter);
}

export function delimitedItem(item: FeedItem, delimiter: ',' | '\t'): string {
  return csvLine(
    FEED_FIELDS.map((f) => {
      const v = item[f];
      return Array.isArray(v) ? v.join(',') : (v ?? '');
    }),
    delimiter,
  );
}

/** A JSON object of the present attributes (arrays stay arrays). */
export function jsonItem(item: FeedItem): string {
  const o: Record<string, unknown> = {};
  for (const f of FEED_FIELDS) {
    const v = item[f];
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
    o[f] = v;
  }
  return JSON.stringify(o);
}

/**
 * Incremental writer for a whole feed file: `head()`, then `item()` per item, then `tail()`. The
 * strings are written to a stream by the caller, so the file never sits in memory.
 */
export class FeedSerializer {
  private count = 0;

  constructor(
    readonly format: FeedFileFormat,
    private readonly channel: { title: string; link: string; description: string },
  ) {}

  head(): string {
    if (this.format === 'xml') return xmlHeader(this.channel.title, this.channel.link, this.channel.description);
    if (this.format === 'json') return '[';
    return delimitedHeader(this.format === 'tsv' ? '\t' : ',');
  }

  item(item: FeedItem): string {
    const n = this.count++;
    if (this.format === 'xml') return xmlItem(item);
    if (this.format === 'json') return `${n ? ',' : ''}\n${jsonItem(item)}`;
    return delimitedItem(item, this.format === 'tsv' ? '\t' : ',');
  }

  tail(): string {
    if (this.format === 'xml') return XML_FOOTER;
    if (this.format === 'json') return this.count ? '\n]\n' : ']\n';
    return '';
  }
}

export const FEED_CONTENT_TYPES: Record<FeedFileFormat, string> = {
  xml: 'application/xml; charset=utf-8',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
};
