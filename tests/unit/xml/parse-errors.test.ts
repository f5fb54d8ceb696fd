import { describe, expect, it } from 'vitest';
import { LibvirtManagerError } from '../../../src/errors/index.js';
import { XML_PARSE_ERROR_CODE, XmlParseError, parseDomainXml } from '../../../src/xml/index.js';

const MIN = "<domain type='qemu'><name>x</name><memory>1024</memory><os><type>hvm</type></os><devices/></domain>";

function parseFailure(xml: string): XmlParseError {
  try {
    parseDomainXml(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(XmlParseError);
    expect(error).toBeInstanceOf(LibvirtManagerError);
    expect((error as XmlParseError).code).toBe(XML_PARSE_ERROR_CODE);
    return error as XmlParseError;
  }
  throw new Error('expected a parse failure');
}

describe('parseDomainXml on malformed XML', () => {
  it.each([
    ['empty', ''],
    ['not XML', 'domain'],
    ['unclosed tag', "<domain type='qemu'><name>x</name>"],
    ['mismatched end tag', "<domain type='qemu'><name>x</nam></domain>"],
    ['truncated', '<domain'],
    ['two roots', '<domain/><domain/>'],
    ['text after root', `${MIN}trailing`],
    ['unknown entity', MIN.replace('<name>x', '<name>&nbsp;')],
    ['bare ampersand', MIN.replace('<name>x', '<name>a & b')],
    ['"<" in attribute', "<domain type='<'/>"],
    ['duplicate attribute', "<domain type='qemu' type='kvm'/>"],
    ['unquoted attribute', '<domain type=qemu/>'],
    ['undeclared prefix', MIN.replace('<devices/>', '<qemu:commandline/>')],
    ['DOCTYPE', `<!DOCTYPE domain [<!ENTITY e "boom">]>${MIN}`],
    ['control character', MIN.replace('<name>x', '<name>\u0001')],
    ['char ref to a control character', MIN.replace('<name>x', '<name>&#1;')],
    ['"]]>" in text', MIN.replace('<name>x', '<name>]]>')],
    ['misplaced declaration', ` <?xml version="1.0"?>${MIN}`],
  ])('%s → XmlParseError', (_label, xml) => {
    expect(parseFailure(xml).message).toMatch(/malformed XML .* at \d+:\d+/);
  });

  it('reports the line and column', () => {
    expect(parseFailure('<domain>\n  <name>x</nam>\n</domain>').message).toContain('at 2:');
  });
});

describe('parseDomainXml on well-formed but incomplete XML', () => {
  it.each([
    ['another root element', '<pool type="dir"/>', /expected a <domain> document/],
    ['no type', MIN.replace(" type='qemu'", ''), /domain: missing attribute "type"/],
    ['no name', MIN.replace('<name>x</name>', ''), /missing <name>/],
    ['no memory', MIN.replace('<memory>1024</memory>', ''), /missing <memory>/],
    ['no os', MIN.replace('<os><type>hvm</type></os>', ''), /missing <os>/],
    ['bad memory', MIN.replace('<memory>1024', '<memory>lots'), /domain\/memory: is not a valid size/],
    ['negative memory', MIN.replace('<memory>1024', '<memory>-1'), /domain\/memory/],
    ['unknown memory unit', MIN.replace('<memory>', "<memory unit='XB'>"), /domain\/memory/],
    ['bad vcpu', MIN.replace('<devices/>', '<vcpu>two</vcpu><devices/>'), /domain\/vcpu: text is not an integer/],
    [
      'disk without target',
      MIN.replace('<devices/>', "<devices><disk type='file'/></devices>"),
      /domain\/devices\/disk\[0\]: missing <target>/,
    ],
    ['bad boolean', MIN.replace('<devices/>', "<devices><graphics type='vnc' autoport='maybe'/></devices>"), /neither yes\/no nor on\/off/],
  ])('%s', (_label, xml, message) => {
    const e = parseFailure(xml);
    expect(e.message).toMatch(message);
  });

  it('gives the element path of the failure', () => {
    expect(parseFailure(MIN.replace('<devices/>', "<devices><disk type='file'><target/></disk></devices>")).path).toBe(
      'domain/devices/disk[0]/target',
    );
  });
});

describe('parseDomainXml accepts what libvirt may produce', () => {
  it('with an XML declaration, a BOM, comments, CDATA and character references', () => {
    const xml = `\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- generated -->\n${MIN.replace('<name>x</name>', '<name>x</name><description><![CDATA[<raw> & text]]> &#233;&#x1F680;</description>')}\n<!-- end -->\n`;
    const m = parseDomainXml(xml);
    expect(m.description).toBe('<raw> & text é🚀');
  });

  it('decodes each reference exactly once (xmlbuilder2 alone would decode "&amp;#65;" to "A")', () => {
    const xml = MIN.replace(
      '<name>x</name>',
      '<name>x</name><title>&amp;#65; &amp;lt; &#38;amp;</title><description><![CDATA[&amp;]]></description>',
    ).replace('<devices/>', "<devices><disk type='file'><source file='&amp;#x42;&amp;amp;'/><target dev='vda'/></disk></devices>");
    const m = parseDomainXml(xml);
    expect(m.title).toBe('&#65; &lt; &amp;');
    expect(m.description).toBe('&amp;');
    expect(m.devices.disks?.[0]?.source?.file).toBe('&#x42;&amp;');
  });

  it('memory in any libvirt unit', () => {
    const withUnit = (unit: string, value: string) => parseDomainXml(MIN.replace('<memory>1024', `<memory unit='${unit}'>${value}`)).memory;
    expect(parseDomainXml(MIN).memory).toBe(1024n * 1024n); // default unit KiB
    expect(withUnit('b', '1048576')).toBe(1048576n);
    expect(withUnit('bytes', '1048576')).toBe(1048576n);
    expect(withUnit('KiB', '1024')).toBe(1048576n);
    expect(withUnit('k', '1024')).toBe(1048576n);
    expect(withUnit('MiB', '1')).toBe(1048576n);
    expect(withUnit('M', '1')).toBe(1048576n);
    expect(withUnit('MB', '1')).toBe(1000000n);
    expect(withUnit('GiB', '2')).toBe(2n * 1024n ** 3n);
    expect(withUnit('G', '2')).toBe(2n * 1024n ** 3n);
    expect(withUnit('TiB', '1')).toBe(1024n ** 4n);
  });
});
