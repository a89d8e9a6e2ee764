/**
 * What an uploaded file really is, from its first bytes (and, for text formats, its content), checked
 * against its name: a `.stl` that is a PNG is refused.
 */
export interface FileKind {
  kind: string;
  contentType: string;
  extensions: string[];
}

export const FILE_KINDS: Record<string, FileKind> = {
  stl: { kind: 'stl', contentType: 'model/stl', extensions: ['stl'] },
  obj: { kind: 'obj', contentType: 'model/obj', extensions: ['obj'] },
  '3mf': { kind: '3mf', contentType: 'model/3mf', extensions: ['3mf'] },
  pdf: { kind: 'pdf', contentType: 'application/pdf', extensions: ['pdf'] },
  png: { kind: 'png', contentType: 'image/png', extensions: ['png'] },
  jpeg: { kind: 'jpeg', contentType: 'image/jpeg', extensions: ['jpg', 'jpeg'] },
};

export const KNOWN_FILE_TYPES = Object.keys(FILE_KINDS);

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return buf.length >= bytes.length && bytes.every((b, i) => buf[i] === b);
}

function isText(buf: Buffer): boolean {
  const n = Math.min(buf.length, 8192);
  for (let i = 0; i < n; i++) {
    const c = buf[i];
    if (c === 0) return false;
    if (c < 9 || (c > 13 && c < 32)) return false;
  }
  return true;
}

/** Binary STL: 80-byte header, uint32 triangle count, 50 bytes per triangle, nothing else. */
function isBinaryStl(buf: Buffer): boolean {
  if (buf.length < 84) return false;
  const n = buf.readUInt32LE(80);
  return n > 0 && buf.length === 84 + n * 50;
}

function isAsciiStl(buf: Buffer): boolean {
  if (!isText(buf)) return false;
  const head = buf.subarray(0, 4096).toString('latin1').trimStart().toLowerCase();
  if (!head.startsWith('solid')) return false;
  return /\bfacet\s+normal\b/.test(head) || /\bendsolid\b/.test(buf.subarray(Math.max(0, buf.length - 1024)).toString('latin1').toLowerCase());
}

function isObj(buf: Buffer): boolean {
  if (!isText(buf)) return false;
  const text = buf.subarray(0, 65536).toString('latin1');
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  if (!lines.length) return false;
  const known = /^(v|vt|vn|vp|f|l|p|o|g|s|mtllib|usemtl)\s/;
  const vertices = lines.filter((l) => /^v\s+-?[\d.]/.test(l)).length;
  // everything but a possibly cut-off last line must be an OBJ statement
  return vertices > 0 && lines.slice(0, -1).every((l) => known.test(l));
}

/** 3MF is an OPC zip package holding a 3D model part. */
function is3mf(buf: Buffer): boolean {
  if (!startsWith(buf, [0x50, 0x4b, 0x03, 0x04])) return false;
  const s = buf.toString('latin1');
  return s.includes('3D/') && (s.includes('.model') || s.includes('[Content_Types].xml'));
}

export function detectFileKind(buf: Buffer): FileKind | undefined {
  if (startsWith(buf, [0x25, 0x50, 0x44, 0x46, 0x2d])) return FILE_KINDS.pdf; // %PDF-
  if (startsWith(buf, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return FILE_KINDS.png;
  if (startsWith(buf, [0xff, 0xd8, 0xff])) return FILE_KINDS.jpeg;
  if (is3mf(buf)) return FILE_KINDS['3mf'];
  if (isAsciiStl(buf) || isBinaryStl(buf)) return FILE_KINDS.stl;
  if (isObj(buf)) return FILE_KINDS.obj;
  return undefined;
}

export function extensionOf(name: string): string {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

export type FileCheck = { ok: true; kind: FileKind } | { ok: false; reason: string };

/** The file's kind when its content, its name and the store's allowed types agree. */
export function checkFile(name: string, content: Buffer, allowed: string[]): FileCheck {
  const allowedText = allowed.map((t) => t.toUpperCase()).join(', ');
  const ext = extensionOf(name);
  const byName = Object.values(FILE_KINDS).find((k) => k.extensions.includes(ext));
  if (!byName || !allowed.includes(byName.kind)) return { ok: false, reason: `This file type is not accepted. Allowed: ${allowedText}` };
  const detected = detectFileKind(content);
  if (!detected) return { ok: false, reason: `The file's content is not a valid ${byName.kind.toUpperCase()} file` };
  if (detected.kind !== byName.kind) {
    return { ok: false, reason: `The file is named .${ext} but its content is ${detected.kind.toUpperCase()}` };
  }
  return { ok: true, kind: detected };
}
