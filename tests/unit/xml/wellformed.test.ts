import { describe, expect, it } from 'vitest';
import { XmlParseError, normalizeXml } from '../../../src/xml/index.js';

// normalizeXml runs the same well-formedness check as every parser.
describe('well-formedness check', () => {
  it.each([
    ['single quotes and spaces around "="', "<a b = 'c' ><d/></a>"],
    ['CRLF line ends', '<a>\r\n<b/>\r\n</a>'],
    ['xml: prefix without declaration', '<a xml:lang="en"/>'],
    ['default namespace', '<a xmlns="urn:x"><b/></a>'],
    ['prefix declared on an ancestor', '<a xmlns:p="urn:p"><b><p:c p:d="1"/></b></a>'],
    ['processing instruction and comment inside', '<a><?pi data?><!-- c --></a>'],
    ['CDATA with markup', '<a><![CDATA[<b>&</b>]]></a>'],
    ['all predefined entities and char refs', '<a t="&lt;&gt;&amp;&quot;&apos;&#9;&#x1F680;">&lt;&#65;</a>'],
    ['non-ASCII names', '<ünï attr-é="1"/>'],
    ['BOM and declaration', '\uFEFF<?xml version="1.0" encoding="UTF-8" standalone="yes"?><a/>'],
  ])('accepts %s', (_label, xml) => {
    expect(() => normalizeXml(xml)).not.toThrow();
  });

  it.each([
    ['unclosed comment', '<a><!-- x</a>'],
    ['unclosed CDATA', '<a><![CDATA[x</a>'],
    ['attribute without whitespace before it', '<a b="1"c="2"/>'],
    ['empty namespace declaration for a prefix', '<a xmlns:p=""/>'],
    ['name starting with a digit', '<1a/>'],
    ['prefix only', '<p:/>'],
    ['two colons', '<a:b:c xmlns:a="u"/>'],
    ['undeclared attribute prefix', '<a p:b="1"/>'],
    ['prefix declared on a sibling only', '<a><b xmlns:p="u"/><p:c/></a>'],
    ['reference to U+0000', '<a>&#0;</a>'],
    ['unterminated reference', '<a>&amp</a>'],
    ['end tag with attributes', '<a></a b="1">'],
    ['stray end tag', '</a>'],
    ['only a comment', '<!-- x -->'],
  ])('refuses %s', (_label, xml) => {
    expect(() => normalizeXml(xml)).toThrow(XmlParseError);
  });

  // Speed is measured in benchmarks, never asserted here: this only shows a large document goes through.
  it('reads a document of 50,000 elements', () => {
    const xml = `<a>${'<b>x &amp; y</b>\n'.repeat(50_000)}</a>`;
    expect(normalizeXml(xml).split('\n')).toHaveLength(50_001);
  });
});
