import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../src/errors/index.js';
import { buildDhcpHostXml, buildDnsHostXml, buildNetworkPortXml, buildNwfilterBindingXml } from '../../../src/xml/index.js';

const UUID = 'c7a5fdbd-cdaf-9455-926a-d65c16db1809';
const oneLine = (xml: string): string => xml.replace(/>\s+</g, '><').trim();

describe('network update fragments', () => {
  it('writes a DHCP host with a normalised MAC', () => {
    expect(oneLine(buildDhcpHostXml({ mac: '52:54:00:AB:CD:EF', name: 'web1', ip: '10.0.0.5' }))).toBe(
      '<host mac="52:54:00:ab:cd:ef" name="web1" ip="10.0.0.5"/>',
    );
    expect(oneLine(buildDhcpHostXml({ name: 'v6', ip: 'fd00::5' }))).toContain('<host name="v6" ip="fd00::5"/>');
  });

  it('writes a DNS host with each name', () => {
    expect(oneLine(buildDnsHostXml({ ip: '10.0.0.5', hostnames: ['a', 'a.lab'] }))).toContain(
      '<host ip="10.0.0.5"><hostname>a</hostname><hostname>a.lab</hostname></host>',
    );
  });

  it('refuses bad fragments', () => {
    const bad = [
      () => buildDhcpHostXml({ ip: '10.0.0.5' }),
      () => buildDhcpHostXml({ mac: '52:54:00:ab:cd', ip: '10.0.0.5' }),
      () => buildDhcpHostXml({ name: 'x', ip: '10.0.0' }),
      () => buildDhcpHostXml(null as never),
      () => buildDnsHostXml({ ip: '10.0.0.5', hostnames: [] }),
      () => buildDnsHostXml({ ip: '10.0.0.5', hostnames: [''] }),
      () => buildDnsHostXml({ ip: 'host', hostnames: ['a'] }),
    ];
    for (const build of bad) expect(build).toThrow(InvalidArgumentError);
  });
});

describe('networkport and filterbinding', () => {
  it('writes a port with its UUID, owner and MAC, and makes a UUID when none is given', () => {
    const xml = oneLine(buildNetworkPortXml({ uuid: UUID, owner: { name: 'web1', uuid: UUID }, mac: '52:54:00:12:34:56' }));
    expect(xml).toContain(
      `<networkport><uuid>${UUID}</uuid><owner><name>web1</name><uuid>${UUID}</uuid></owner><mac address="52:54:00:12:34:56"/></networkport>`,
    );
    expect(buildNetworkPortXml({ owner: { name: 'web1', uuid: UUID }, mac: '52:54:00:12:34:56' })).toMatch(/<uuid>[0-9a-f-]{36}<\/uuid>/);
    expect(() => buildNetworkPortXml({ owner: { name: 'a/b', uuid: UUID }, mac: '52:54:00:12:34:56' })).toThrow(InvalidArgumentError);
    expect(() => buildNetworkPortXml({ owner: { name: 'web1', uuid: UUID }, mac: '52:54:00:12:34:56', uuid: 'x' })).toThrow(
      InvalidArgumentError,
    );
  });

  it('writes a filter binding with its parameters', () => {
    const xml = oneLine(
      buildNwfilterBindingXml({
        owner: { name: 'web1', uuid: UUID },
        portdev: 'vnet0',
        mac: '52:54:00:12:34:56',
        filterref: { filter: 'clean-traffic', parameters: { IP: ['10.0.0.5', '10.0.0.6'] } },
      }),
    );
    expect(xml).toContain(
      `<filterbinding><owner><name>web1</name><uuid>${UUID}</uuid></owner><portdev name="vnet0"/><mac address="52:54:00:12:34:56"/>` +
        '<filterref filter="clean-traffic"><parameter name="IP" value="10.0.0.5"/><parameter name="IP" value="10.0.0.6"/></filterref></filterbinding>',
    );
    const base = { owner: { name: 'web1', uuid: UUID }, portdev: 'vnet0', mac: '52:54:00:12:34:56', filterref: { filter: 'f' } };
    for (const bad of [{ portdev: 'a-very-long-tap-name0' }, { portdev: '' }, { filterref: { filter: '' } }, { mac: 'x' }])
      expect(() => buildNwfilterBindingXml({ ...base, ...bad })).toThrow(InvalidArgumentError);
  });
});
