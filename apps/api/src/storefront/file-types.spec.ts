import { checkFile, detectFileKind } from './file-types';

const ALL = ['stl', 'obj', '3mf', 'pdf', 'png', 'jpeg'];

function binaryStl(triangles = 1): Buffer {
  const buf = Buffer.alloc(84 + triangles * 50);
  buf.write('binary stl', 0, 'latin1');
  buf.writeUInt32LE(triangles, 80);
  return buf;
}

describe('upload type detection', () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
  const asciiStl = Buffer.from('solid cube\n facet normal 0 0 1\n  outer loop\n   vertex 0 0 0\n  endloop\n endfacet\nendsolid cube\n');
  const obj = Buffer.from('# cube\nv 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 3\n');

  it('recognises each default type by content', () => {
    expect(detectFileKind(Buffer.from('%PDF-1.7\n'))?.kind).toBe('pdf');
    expect(detectFileKind(png)?.kind).toBe('png');
    expect(detectFileKind(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]))?.kind).toBe('jpeg');
    expect(detectFileKind(asciiStl)?.kind).toBe('stl');
    expect(detectFileKind(binaryStl(3))?.kind).toBe('stl');
    expect(detectFileKind(obj)?.kind).toBe('obj');
    expect(detectFileKind(Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4]), Buffer.from('....[Content_Types].xml....3D/3dmodel.model')]))?.kind).toBe('3mf');
  });

  it('refuses content that is none of them', () => {
    expect(detectFileKind(Buffer.from('MZ\x90\x00 an exe'))).toBeUndefined();
    expect(detectFileKind(Buffer.from('just some words\n'))).toBeUndefined();
    expect(detectFileKind(Buffer.from([0x50, 0x4b, 3, 4, 1, 2, 3]))).toBeUndefined();
    expect(detectFileKind(Buffer.alloc(100))).toBeUndefined();
  });

  it('checks name, content and the allowed list together', () => {
    expect(checkFile('part.stl', asciiStl, ALL)).toMatchObject({ ok: true, kind: { kind: 'stl' } });
    expect(checkFile('photo.JPG', Buffer.from([0xff, 0xd8, 0xff, 0xe0]), ALL)).toMatchObject({ ok: true });
    expect(checkFile('part.stl', png, ALL)).toEqual({ ok: false, reason: 'The file is named .stl but its content is PNG' });
    expect(checkFile('virus.exe', png, ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/not accepted/) });
    expect(checkFile('drawing.pdf', Buffer.from('%PDF-1.4'), ['stl'])).toMatchObject({ ok: false, reason: expect.stringMatching(/Allowed: STL/) });
    expect(checkFile('fake.pdf', Buffer.from('hello'), ALL)).toMatchObject({ ok: false, reason: expect.stringMatching(/not a valid PDF/) });
  });
});
