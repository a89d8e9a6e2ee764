import type { Readable } from 'node:stream';

/** The file cannot be read as its format (the run fails and nothing is applied). */
export class MalformedFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedFileError';
  }
}

/** One item of a supplier file: its line, and its fields or why it cannot be read. */
export interface SourceRecord {
  line: number;
  record?: Record<string, unknown>;
  error?: string;
}

export type SupplierFileFormat = 'csv' | 'tsv' | 'xml' | 'json';

/** Largest single item (CSV record, JSON item, XML element) accepted; memory stays bounded by it. */
export const MAX_ITEM_CHARS = 1024 * 1024;

/**
 * Streams the items of a supplier file. Memory is bounded by one chunk plus one item: the file is
 * never held whole. Yields the items of each chunk as one array (fewer awaits on large files).
 */
export function parseSupplierStream(input: Readable, format: SupplierFileFormat, itemPath?: string | null): AsyncGenerator<SourceRecord[]> {
  input.setEncoding('utf8');
  switch (format) {
    case 'csv':
      return parseDelimited(input, ',');
    case 'tsv':
      return parseDelimited(input, '\t');
    case 'json':
      return parseJsonItems(input, itemPath ? itemPath.split('.').filter(Boolean) : []);
    case 'xml':
      return parseXmlItems(input, itemPath || 'item');
  }
}

// ---------------------------------------------------------------- CSV / TSV (RFC 4180)

async function* parseDelimited(input: Readable, delimiter: string): AsyncGenerator<SourceRecord[]> {
  const D = delimiter.charCodeAt(0);
  let header: string[] | null = null;
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  let afterQuote = false;
  let line = 1;
  let rowLine = 1;
  let first = true;
  let cellChars = 0;
  let pendingCR = false;
  const finishRow = (out: SourceRecord[]) => {
    row.push(cell);
    cell = '';
    cellChars = 0;
    afterQuote = false;
    const r = row;
    row = [];
    if (r.length === 1 && r[0] === '') return; // blank line
    if (!header) {
      header = r.map((h) => h.trim());
      const seen = new Set<string>();
      for (const h of header) {
        if (seen.has(h) && h) throw new MalformedFileError(`the header repeats the column "${h}"`);
        seen.add(h);
      }
      return;
    }
    if (r.length !== header.length) {
      out.push({ line: rowLine, error: `${r.length} fields where the header has ${header.length}` });
      return;
    }
    const record: Record<string, unknown> = {};
    for (let i = 0; i < header.length; i++) record[header[i]] = r[i];
    out.push({ line: rowLine, record });
  };
  for await (const chunk of input as AsyncIterable<string>) {
    let s = chunk;
    if (first) {
      first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const out: SourceRecord[] = [];
    let start = 0; // start of the pending run of plain characters of `cell`
    const flush = (i: number) => {
      if (i > start) {
        cell += s.slice(start, i);
        cellChars += i - start;
        if (cellChars > MAX_ITEM_CHARS) throw new MalformedFileError(`a field at line ${rowLine} is longer than ${MAX_ITEM_CHARS} characters`);
      }
    };
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (pendingCR) {
        pendingCR = false;
        if (c === 10 && !quoted) {
          start = i + 1;
          continue;
        }
      }
      if (quoted) {
        if (c === 34) {
          flush(i);
          quoted = false;
          afterQuote = true;
          start = i + 1;
        } else if (c === 10) line++;
        continue;
      }
      if (afterQuote && c === 34) {
        // "" inside a quoted field: a literal quote, the field goes on
        cell += '"';
        quoted = true;
        afterQuote = false;
        start = i + 1;
        continue;
      }
      if (c === 34 && i === start && cell === '') {
        quoted = true;
        start = i + 1;
        continue;
      }
      if (c === D) {
        flush(i);
        row.push(cell);
        cell = '';
        cellChars = 0;
        afterQuote = false;
        start = i + 1;
      } else if (c === 10 || c === 13) {
        flush(i);
        finishRow(out);
        line++;
        rowLine = line;
        if (c === 13) pendingCR = true;
        start = i + 1;
      } else if (afterQuote) {
        // text after a closing quote: keep it (lenient, as spreadsheets write it)
        afterQuote = false;
      }
    }
    flush(s.length);
    if (out.length) yield out;
  }
  if (quoted) throw new MalformedFileError(`a quoted field opened at line ${rowLine} is never closed`);
  const out: SourceRecord[] = [];
  if (cell !== '' || row.length) finishRow(out);
  if (!header) throw new MalformedFileError('the file is empty (no header row)');
  if (out.length) yield out;
}

// ---------------------------------------------------------------- JSON

interface JsonFrame {
  type: 'obj' | 'arr';
  path: string[];
  key: string | null;
  expectKey: boolean;
  items: boolean;
}

function samePath(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * The items of the array at `path` (object keys from the root; [] = the root array), each parsed on
 * its own with JSON.parse. Everything else in the document is scanned, not kept.
 */
async function* parseJsonItems(input: Readable, path: string[]): AsyncGenerator<SourceRecord[]> {
  const stack: JsonFrame[] = [];
  let line = 1;
  let inString = false;
  let escape = false;
  let str = '';
  let collectString = false;
  // capture of one item
  let capturing = false;
  let capDepth = 0;
  let cap = '';
  let capLine = 0;
  let capPrimitive = false;
  let found = false;
  let literal = false;
  let rootSeen = false;
  let first = true;
  for await (const chunk of input as AsyncIterable<string>) {
    let s = chunk;
    if (first) {
      first = false;
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    }
    const out: SourceRecord[] = [];
    let capStart = capturing ? 0 : -1;
    const endItem = (endIdx: number) => {
      cap += s.slice(capStart, endIdx);
      capturing = false;
      capStart = -1;
      let value: unknown;
      try {
        value = JSON.parse(cap);
      } catch (e) {
        throw new MalformedFileError(`invalid JSON in the item at line ${capLine}: ${(e as Error).message}`);
      }
      cap = '';
      if (value && typeof value === 'object' && !Array.isArray(value)) out.push({ line: capLine, record: value as Record<string, unknown> });
      else out.push({ line: capLine, error: 'the item is not a JSON object' });
    };
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) line++;
      if (capturing) {
        if (inString) {
          if (escape) escape = false;
          else if (c === 92) escape = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (capPrimitive) {
          if (c === 44 || c === 93 || c === 32 || c === 10 || c === 13 || c === 9) {
            endItem(i);
            i--; // the terminator belongs to the array
            if (c === 10) line--;
          }
          continue;
        }
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) capDepth++;
        else if (c === 125 || c === 93) {
          capDepth--;
          if (capDepth === 0) endItem(i + 1);
        }
        if (capturing && cap.length + (i - capStart) > MAX_ITEM_CHARS) throw new MalformedFileError(`the item at line ${capLine} is larger than ${MAX_ITEM_CHARS} characters`);
        continue;
      }
      if (inString) {
        if (escape) {
          escape = false;
          if (collectString) str += s[i];
        } else if (c === 92) {
          escape = true;
          if (collectString) str += '\\';
        } else if (c === 34) {
          inString = false;
          if (collectString) {
            const top = stack[stack.length - 1];
            try {
              top.key = JSON.parse(`"${str}"`) as string;
            } catch {
              throw new MalformedFileError(`invalid string at line ${line}`);
            }
            top.expectKey = false;
          }
        } else if (collectString) {
          str += s[i];
          if (str.length > 10_000) throw new MalformedFileError(`an object key at line ${line} is too long`);
        }
        continue;
      }
      if (c === 32 || c === 10 || c === 13 || c === 9) {
        literal = false;
        continue;
      }
      const top = stack[stack.length - 1];
      if (top?.items && c !== 44 && c !== 93) {
        // a value in the items array: capture it
        capturing = true;
        capStart = i;
        capLine = line;
        cap = '';
        capPrimitive = c !== 123 && c !== 91 && c !== 34;
        if (c === 123 || c === 91) capDepth = 1;
        else if (c === 34) {
          // a string item: capture until its closing quote, then end
          capPrimitive = true;
          inString = true;
        }
        continue;
      }
      if (c === 34) {
        inString = true;
        collectString = !!top && top.type === 'obj' && top.expectKey;
        str = '';
        literal = false;
        continue;
      }
      if (c === 123 || c === 91) {
        if (!top && rootSeen) throw new MalformedFileError(`unexpected data after the document at line ${line}`);
        rootSeen = true;
        const p = top ? [...top.path, top.type === 'obj' ? (top.key ?? '') : '[]'] : [];
        const items = c === 91 && samePath(p, path);
        if (items) found = true;
        stack.push({ type: c === 123 ? 'obj' : 'arr', path: p, key: null, expectKey: c === 123, items });
        literal = false;
        continue;
      }
      if (c === 125 || c === 93) {
        if (!top || (c === 125) !== (top.type === 'obj')) throw new MalformedFileError(`unexpected "${s[i]}" at line ${line}`);
        stack.pop();
        literal = false;
        continue;
      }
      if (c === 44) {
        if (!top) throw new MalformedFileError(`unexpected "," at line ${line}`);
        if (top.type === 'obj') top.expectKey = true;
        literal = false;
        continue;
      }
      if (c === 58) {
        if (!top || top.type !== 'obj') throw new MalformedFileError(`unexpected ":" at line ${line}`);
        continue;
      }
      // numbers, true, false, null outside the items
      if (!top) {
        if (!literal && rootSeen) throw new MalformedFileError(`unexpected data after the document at line ${line}`);
        rootSeen = true;
      }
      if (!/[-+0-9.eEtruefalsn]/.test(s[i])) throw new MalformedFileError(`unexpected "${s[i]}" at line ${line}`);
      literal = true;
    }
    if (capturing) {
      cap += s.slice(capStart);
      if (cap.length > MAX_ITEM_CHARS) throw new MalformedFileError(`the item at line ${capLine} is larger than ${MAX_ITEM_CHARS} characters`);
    }
    if (out.length) yield out;
  }
  if (capturing || inString || stack.length) throw new MalformedFileError('the JSON document ends in the middle (unexpected end of file)');
  if (!rootSeen) throw new MalformedFileError('the file is empty');
  if (!found) {
    throw new MalformedFileError(path.length ? `no array at item_path "${path.join('.')}"` : 'the document is not an array of items (set item_path to the array, e.g. "products")');
  }
}

// ---------------------------------------------------------------- XML

const XML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(s: string, line: number): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);?/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      if (!Number.isFinite(code) || code > 0x10ffff) throw new MalformedFileError(`invalid character reference ${m} at line ${line}`);
      return String.fromCodePoint(code);
    }
    const v = XML_ENTITIES[e];
    if (v === undefined || !m.endsWith(';')) throw new MalformedFileError(`unknown entity ${m} at line ${line}`);
    return v;
  });
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i >= 0 ? name.slice(i + 1) : name;
}

const ATTR_RE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

function addField(rec: Record<string, unknown>, key: string, value: string): void {
  const cur = rec[key];
  if (cur === undefined) rec[key] = value;
  else if (Array.isArray(cur)) cur.push(value);
  else rec[key] = [cur, value];
}

/**
 * The elements named `itemName` (by qualified or local name), each flattened into a record: child
 * element paths relative to the item (`title`, `g:price`, `shipping/price`) → text, repeated elements
 * → arrays, attributes as `@name` / `path/@name`. Well-formedness is checked for the whole document;
 * DTDs are refused (no entity expansion).
 */
async function* parseXmlItems(input: Readable, itemName: string): AsyncGenerator<SourceRecord[]> {
  let buf = '';
  let line = 1;
  const stack: string[] = [];
  let item: { rec: Record<string, unknown>; depth: number; line: number; text: string[]; kids: boolean[] } | null = null;
  let rootClosed = false;
  let rootSeen = false;
  let chars = 0;
  for await (const chunk of input as AsyncIterable<string>) {
    buf += chunk;
    const out: SourceRecord[] = [];
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      const textEnd = lt === -1 ? buf.length : lt;
      if (textEnd > pos) {
        const text = buf.slice(pos, textEnd);
        if (lt === -1) {
          // keep a partial text (it may hold a split entity) for the next chunk
          break;
        }
        if (item) {
          item.text[item.text.length - 1] += text;
          chars += text.length;
        } else if (text.trim() && (!stack.length || rootClosed)) throw new MalformedFileError(`text outside the root element at line ${line}`);
        line += countNewlines(text);
        pos = textEnd;
      }
      if (lt === -1) break;
      // a markup construct starting at lt
      let end: number;
      let kind: 'cdata' | 'comment' | 'pi' | 'doctype' | 'tag';
      if (buf.startsWith('<![CDATA[', lt)) {
        kind = 'cdata';
        end = buf.indexOf(']]>', lt + 9);
        if (end !== -1) end += 3;
      } else if (buf.startsWith('<!--', lt)) {
        kind = 'comment';
        end = buf.indexOf('-->', lt + 4);
        if (end !== -1) end += 3;
      } else if (buf.startsWith('<?', lt)) {
        kind = 'pi';
        end = buf.indexOf('?>', lt + 2);
        if (end !== -1) end += 2;
      } else if (buf.startsWith('<!', lt)) {
        if (buf.length - lt < 9) break;
        kind = 'doctype';
        end = buf.indexOf('>', lt);
        if (end !== -1) end += 1;
      } else {
        kind = 'tag';
        end = tagEnd(buf, lt);
      }
      if (end === -1) {
        if (buf.length - lt > MAX_ITEM_CHARS) throw new MalformedFileError(`markup at line ${line} is longer than ${MAX_ITEM_CHARS} characters`);
        pos = lt;
        break;
      }
      const raw = buf.slice(lt, end);
      const startLine = line;
      line += countNewlines(raw);
      pos = end;
      if (kind === 'comment' || kind === 'pi') continue;
      if (kind === 'doctype') throw new MalformedFileError(`DTDs (<!DOCTYPE …>) are not accepted (line ${startLine})`);
      if (kind === 'cdata') {
        if (!stack.length) throw new MalformedFileError(`CDATA outside the root element at line ${startLine}`);
        if (item) {
          item.text[item.text.length - 1] += raw.slice(9, -3).replace(/&/g, '&amp;').replace(/</g, '&lt;');
          chars += raw.length;
        }
        continue;
      }
      if (raw[1] === '/') {
        const name = raw.slice(2, -1).trim();
        const open = stack.pop();
        if (open !== name) throw new MalformedFileError(`</${name}> at line ${startLine} does not close <${open ?? '(nothing)'}>`);
        if (!stack.length) rootClosed = true;
        if (item) {
          const text = decodeXml(item.text.pop() ?? '', startLine).trim();
          const hadKids = item.kids.pop();
          if (stack.length === item.depth) {
            if (text) addField(item.rec, '#text', text);
            out.push({ line: item.line, record: item.rec });
            item = null;
            chars = 0;
          } else {
            const rel = stack.slice(item.depth + 1).concat(name).join('/');
            if (text) addField(item.rec, rel, text);
            else if (!hadKids && !(rel in item.rec)) item.rec[rel] = '';
          }
        }
        continue;
      }
      const selfClosing = raw.endsWith('/>');
      const body = raw.slice(1, selfClosing ? -2 : -1);
      const m = /^([^\s/>]+)/.exec(body);
      if (!m) throw new MalformedFileError(`a malformed tag at line ${startLine}`);
      const name = m[1];
      if (rootClosed) throw new MalformedFileError(`a second root element <${name}> at line ${startLine}`);
      rootSeen = true;
      const attrs: [string, string][] = [];
      ATTR_RE.lastIndex = 0;
      const rest = body.slice(name.length);
      let a: RegExpExecArray | null;
      while ((a = ATTR_RE.exec(rest))) attrs.push([a[1], decodeXml(a[3] ?? a[4] ?? '', startLine)]);
      if (!item && (name === itemName || localName(name) === itemName)) {
        item = { rec: {}, depth: stack.length, line: startLine, text: [''], kids: [false] };
        for (const [k, v] of attrs) if (!k.startsWith('xmlns')) addField(item.rec, `@${k}`, v);
        if (selfClosing) {
          out.push({ line: startLine, record: item.rec });
          item = null;
        } else stack.push(name);
        continue;
      }
      if (item) {
        const rel = stack.slice(item.depth + 1).concat(name).join('/');
        for (const [k, v] of attrs) if (!k.startsWith('xmlns')) addField(item.rec, `${rel}/@${k}`, v);
        item.kids[item.kids.length - 1] = true;
        if (selfClosing) {
          if (!(rel in item.rec)) item.rec[rel] = '';
        } else {
          item.text.push('');
          item.kids.push(false);
        }
      }
      if (!selfClosing) stack.push(name);
      else if (!stack.length) rootClosed = true;
      if (item && chars > MAX_ITEM_CHARS) throw new MalformedFileError(`the item at line ${item.line} is larger than ${MAX_ITEM_CHARS} characters`);
    }
    buf = buf.slice(pos);
    if (out.length) yield out;
  }
  if (buf.trim()) {
    if (buf.includes('<')) throw new MalformedFileError('the XML document ends in the middle of a tag (unexpected end of file)');
    if (rootClosed || !stack.length) throw new MalformedFileError('text after the root element');
  }
  if (!rootSeen) throw new MalformedFileError('the file has no XML element');
  if (stack.length) throw new MalformedFileError(`the XML document ends before </${stack[stack.length - 1]}> (unexpected end of file)`);
}

function countNewlines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Index after the `>` closing a tag that starts at `lt`, skipping quoted attribute values; -1 if incomplete. */
function tagEnd(s: string, lt: number): number {
  let q = 0;
  for (let i = lt + 1; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (q) {
      if (c === q) q = 0;
    } else if (c === 34 || c === 39) q = c;
    else if (c === 62) return i + 1;
  }
  return -1;
}
