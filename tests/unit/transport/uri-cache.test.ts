import { afterEach, describe, expect, it } from 'vitest';
import { parseLibvirtUri } from '../../../src/rpc/transport/index.js';
import { parseLibvirtUriCached } from '../../../src/rpc/transport/uri-cache.js';

const saved = process.env.XDG_RUNTIME_DIR;
afterEach(() => {
  if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
  else process.env.XDG_RUNTIME_DIR = saved;
});

describe('parseLibvirtUriCached', () => {
  it('parses as parseLibvirtUri does and reuses the parse of the same text', () => {
    const first = parseLibvirtUriCached('test+unix:///default');
    expect(first).toEqual(parseLibvirtUri('test+unix:///default'));
    expect(parseLibvirtUriCached('test+unix:///default')).toBe(first);
  });

  it('parses again when a local fact the parse read has changed', () => {
    process.env.XDG_RUNTIME_DIR = '/run/user/4242';
    const first = parseLibvirtUriCached('qemu+ssh://host/session');
    process.env.XDG_RUNTIME_DIR = '/run/user/4343';
    expect(parseLibvirtUriCached('qemu+ssh://host/session')).not.toBe(first);
  });

  it('never caches a parse that looked at the file system (the socket choice is made at each open)', () => {
    const first = parseLibvirtUriCached('qemu:///system');
    expect(parseLibvirtUriCached('qemu:///system')).not.toBe(first);
    expect(parseLibvirtUriCached('qemu:///system')).toEqual(first);
  });

  it('does not cache failures', () => {
    expect(() => parseLibvirtUriCached('qemu+pigeon:///system')).toThrow();
    expect(() => parseLibvirtUriCached('qemu+pigeon:///system')).toThrow();
  });
});
