import { describe, expect, it } from 'vitest';
import { XmlParseError, buildDomainXml, parseDomainXml, parseSize, type DomainModel } from '../../../src/xml/index.js';
import { refusal } from './helpers.js';

const base = (): DomainModel => ({
  type: 'qemu',
  name: 'esc',
  memory: parseSize('64MiB'),
  os: { type: 'hvm' },
  devices: {},
});

describe('escaping', () => {
  const tricky = `<&"'> VM – ünïcödé 🚀`;

  it('escapes markup characters in text and round-trips non-ASCII', () => {
    const xml = buildDomainXml({ ...base(), title: tricky, description: tricky });
    expect(xml).toContain('<title>&lt;&amp;"\'&gt; VM – ünïcödé 🚀</title>');
    expect(xml).not.toContain('<&');
    const back = parseDomainXml(xml);
    expect(back.title).toBe(tricky);
    expect(back.description).toBe(tricky);
  });

  it('escapes markup characters in attribute values', () => {
    const model: DomainModel = {
      ...base(),
      devices: { disks: [{ type: 'file', source: { file: `/srv/a<&"'>b.img` }, target: { dev: 'vda' } }] },
    };
    const xml = buildDomainXml(model);
    expect(xml).toContain('file="/srv/a&lt;&amp;&quot;\'&gt;b.img"');
    expect(parseDomainXml(xml).devices.disks?.[0]?.source?.file).toBe(`/srv/a<&"'>b.img`);
  });

  // xmlbuilder2 leaves "&amp;"-like sequences unescaped; the writer compensates (src/xml/core/dom.ts).
  it.each(['Tom &amp; Jerry', '&#65;&#x42;', '&lt;b&gt;', '&unknown;', 'a & b', '&'])('keeps entity-looking text %j literally', (text) => {
    const xml = buildDomainXml({
      ...base(),
      description: text,
      devices: { disks: [{ type: 'file', source: { file: text }, target: { dev: 'vda' } }] },
    });
    const back = parseDomainXml(xml);
    expect(back.description).toBe(text);
    expect(back.devices.disks?.[0]?.source?.file).toBe(text);
  });

  it('keeps tabs, line breaks and CR in attributes and CR in text (they would be normalised away otherwise)', () => {
    const value = 'a\tb\nc\r\nd';
    const xml = buildDomainXml({
      ...base(),
      description: value,
      devices: { disks: [{ type: 'file', source: { file: value }, target: { dev: 'vda' } }] },
    });
    expect(xml).toContain('file="a&#9;b&#10;c&#13;&#10;d"');
    const back = parseDomainXml(xml);
    expect(back.devices.disks?.[0]?.source?.file).toBe(value);
    expect(back.description).toBe(value);
  });

  it('keeps leading/trailing whitespace of text', () => {
    expect(parseDomainXml(buildDomainXml({ ...base(), description: '  padded \n' })).description).toBe('  padded \n');
  });

  it.each([
    ['\u0000', 'U+0000'],
    ['\u0001', 'U+0001'],
    ['\u001B', 'U+001B'],
    ['\u000B', 'U+000B'],
    ['\uFFFE', 'U+FFFE'],
    ['\uD800', 'U+D800'],
  ])('refuses %j (illegal in XML 1.0) with the field path', (ch, name) => {
    const e = refusal(() => buildDomainXml({ ...base(), description: `before${ch}after` }));
    expect(e.path).toBe('description');
    expect(e.message).toContain(name);
    expect(e.message).not.toContain('before');
  });

  it('reports control characters deep in the model with their path', () => {
    const model: DomainModel = { ...base(), devices: { interfaces: [{ type: 'network', source: { network: 'def\u0002ault' } }] } };
    expect(refusal(() => buildDomainXml(model)).path).toBe('devices.interfaces[0].source.network');
  });

  it('never puts a graphics password in an error message', () => {
    const secret = 'hunter2\u0007';
    const model: DomainModel = { ...base(), devices: { graphics: [{ type: 'vnc', passwd: secret }] } };
    const e = refusal(() => buildDomainXml(model));
    expect(e.path).toBe('devices.graphics[0].passwd');
    expect(e.message).not.toContain('hunter2');
    expect(String(e.stack)).not.toContain('hunter2');
  });

  it('never puts a graphics password in a parse error either', () => {
    let error: unknown;
    try {
      parseDomainXml("<domain type='qemu'><name>x</name><devices><graphics type='vnc' passwd='hunter2'></devices></domain>");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(XmlParseError);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('refuses a multi-line title (libvirt does too)', () => {
    expect(refusal(() => buildDomainXml({ ...base(), title: 'a\nb' })).path).toBe('title');
  });

  it('refuses malformed raw extraElements with the path and the parse error as cause', () => {
    const e = refusal(() => buildDomainXml({ ...base(), devices: { extraElements: ['<sound model="ich9">'] } }));
    expect(e.path).toBe('devices.extraElements[0]');
    expect(e.cause).toBeInstanceOf(XmlParseError);
    refusal(() => buildDomainXml({ ...base(), extraElements: ['<a/><b/>'] }));
    refusal(() => buildDomainXml({ ...base(), extraElements: ['text only'] }));
    refusal(() => buildDomainXml({ ...base(), extraElements: ['<!DOCTYPE x><x/>'] }));
  });

  it('refuses bad or colliding extraAttributes', () => {
    expect(refusal(() => buildDomainXml({ ...base(), extraAttributes: { 'bad name': 'x' } })).path).toBe('extraAttributes.bad name');
    expect(refusal(() => buildDomainXml({ ...base(), extraAttributes: { type: 'kvm' } })).message).toMatch(/duplicates/);
  });
});
