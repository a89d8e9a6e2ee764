/**
 * A strict little XML reader for feed tests (no XML library in the tree): checks that every tag is
 * closed in order and that text has no raw `<` or bad `&`, and returns the elements as a tree.
 */
export interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

function decode(s: string): string {
  if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s)) throw new Error(`bad entity in ${s.slice(0, 80)}`);
  return s.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) =>
    e === 'amp' ? '&' : e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'quot' ? '"' : e === 'apos' ? "'" : String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)),
  );
}

export function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '');
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' };
  const stack: XmlNode[] = [root];
  const re = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/gy;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < body.length) {
    re.lastIndex = pos;
    m = re.exec(body);
    if (!m) throw new Error(`malformed XML at ${pos}: ${body.slice(pos, pos + 60)}`);
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      stack[stack.length - 1].text += decode(m[5]);
      continue;
    }
    const [, closing, name, attrText, selfClosing] = m;
    if (closing) {
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]] = decode(a[2]);
    const node: XmlNode = { name, attrs, children: [], text: '' };
    stack[stack.length - 1].children.push(node);
    if (!selfClosing) stack.push(node);
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1) throw new Error('one root element expected');
  return root.children[0];
}

/** Items of a Google RSS feed as attribute → values (repeated elements keep every value). */
export function rssItems(xml: string): Record<string, string[]>[] {
  const rss = parseXml(xml);
  if (rss.name !== 'rss' || rss.attrs['xmlns:g'] !== 'http://base.google.com/ns/1.0') throw new Error('not a Google RSS 2.0 feed');
  const channel = rss.children.find((c) => c.name === 'channel');
  if (!channel) throw new Error('no channel');
  return channel.children
    .filter((c) => c.name === 'item')
    .map((item) => {
      const o: Record<string, string[]> = {};
      for (const c of item.children) {
        if (!c.name.startsWith('g:')) throw new Error(`unexpected element ${c.name} in an item`);
        (o[c.name.slice(2)] ??= []).push(c.text);
      }
      return o;
    });
}
