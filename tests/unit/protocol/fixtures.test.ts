import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../../src/errors/index.js';
import {
  AUTH_LIST,
  CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  CONNECT_GET_ALL_DOMAIN_STATS,
  CONNECT_GET_LIB_VERSION,
  CONNECT_LIST_ALL_DOMAINS,
  CONNECT_OPEN,
  CONNECT_SUPPORTS_FEATURE,
  DOMAIN_DEFINE_XML_FLAGS,
  DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  DOMAIN_GET_INFO,
  DOMAIN_GET_STATE,
  DOMAIN_LOOKUP_BY_NAME,
  DOMAIN_UNDEFINE_FLAGS,
  KEEPALIVE_PROGRAM,
  MessageStatus,
  MessageType,
  NODE_GET_INFO,
  type Procedure,
  REMOTE_PROGRAM,
  VirDomainEventType,
  decodeEvent,
  decodeRemoteError,
  decodeRemoteErrorFields,
  domainEventDetailName,
  domainEventName,
  typedParamsToRecord,
} from '../../../src/rpc/protocol/index.js';
import * as A from '../../fixtures/wire/appendix-a.js';
import * as C from '../../fixtures/wire/captured.js';
import { decodeValue, encodeCall, encodePacket, encodeValue, splitPacket } from '../../fixtures/wire/packet.js';

const TEST_DOM = { name: 'test', uuid: '6695eb01-f6a4-8304-79aa-97f2502e193f', id: 1 };

/** Decode a captured REPLY with `proc.ret`, check its header, and check our encoder re-creates the payload byte for byte. */
function decodeReply<A, R>(proc: Procedure<A, R>, packet: Buffer, serial: number): R {
  const { header, payload } = splitPacket(packet);
  expect(header).toEqual({
    prog: REMOTE_PROGRAM,
    vers: 1,
    proc: proc.proc,
    type: MessageType.VIR_NET_REPLY,
    serial,
    status: MessageStatus.VIR_NET_OK,
  });
  const value = decodeValue(proc.ret, payload);
  expect(encodeValue(proc.ret, value)).toEqual(payload);
  return value;
}

describe('Appendix A (hand-checked packets)', () => {
  it('encodes AUTH_LIST, SUPPORTS_FEATURE, CONNECT_OPEN, LOOKUP_BY_NAME and REGISTER_ANY byte for byte', () => {
    expect(encodeCall(AUTH_LIST, 1, undefined)).toEqual(A.A_AUTH_LIST_CALL);
    expect(encodeCall(CONNECT_SUPPORTS_FEATURE, 2, { feature: 10 })).toEqual(A.A_SUPPORTS_FEATURE_KEEPALIVE_CALL);
    expect(encodeCall(CONNECT_OPEN, 3, { name: 'test:///default', flags: 0 })).toEqual(A.A_CONNECT_OPEN_CALL);
    expect(encodeCall(DOMAIN_LOOKUP_BY_NAME, 4, { name: 'test' })).toEqual(A.A_DOMAIN_LOOKUP_BY_NAME_CALL);
    expect(encodeCall(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 5, { eventID: 0, dom: null })).toEqual(A.A_EVENT_REGISTER_CALL);
  });

  it('builds the keepalive PONG', () => {
    const pong = encodePacket(
      { prog: KEEPALIVE_PROGRAM, vers: 1, proc: 2, type: MessageType.VIR_NET_MESSAGE, serial: 0, status: 0 },
      Buffer.alloc(0),
    );
    expect(pong).toEqual(A.A_KEEPALIVE_PONG);
  });

  it('decodes the reply and event headers (events use serial 1)', () => {
    const packet = Buffer.concat([Buffer.from([0, 0, 0, 28]), A.A_EVENT_HEADER]);
    expect(splitPacket(packet).header).toMatchObject({ proc: 318, type: MessageType.VIR_NET_MESSAGE, serial: 1 });
    const reply = Buffer.concat([Buffer.from([0, 0, 0, 28]), A.A_LOOKUP_REPLY_HEADER]);
    expect(splitPacket(reply).header).toMatchObject({ proc: 23, type: MessageType.VIR_NET_REPLY, serial: 4, status: 0 });
  });
});

describe('captured from libvirtd (test:///default)', () => {
  it('our encoder produces the same CALL bytes as the capture script', () => {
    expect(encodeCall(AUTH_LIST, 1, undefined)).toEqual(C.AUTH_LIST_CALL);
    expect(encodeCall(CONNECT_OPEN, 2, { name: 'test:///default', flags: 0 })).toEqual(C.CONNECT_OPEN_CALL);
    expect(encodeCall(CONNECT_GET_LIB_VERSION, 3, undefined)).toEqual(C.CONNECT_GET_LIB_VERSION_CALL);
    expect(encodeCall(DOMAIN_LOOKUP_BY_NAME, 4, { name: 'test' })).toEqual(C.DOMAIN_LOOKUP_BY_NAME_CALL);
    expect(encodeCall(DOMAIN_GET_STATE, 5, { dom: TEST_DOM, flags: 0 })).toEqual(C.DOMAIN_GET_STATE_CALL);
    expect(encodeCall(DOMAIN_GET_INFO, 6, { dom: TEST_DOM })).toEqual(C.DOMAIN_GET_INFO_CALL);
    expect(encodeCall(NODE_GET_INFO, 7, undefined)).toEqual(C.NODE_GET_INFO_CALL);
    expect(encodeCall(CONNECT_LIST_ALL_DOMAINS, 8, { need_results: 1, flags: 0 })).toEqual(C.CONNECT_LIST_ALL_DOMAINS_CALL);
    expect(encodeCall(CONNECT_GET_ALL_DOMAIN_STATS, 9, { doms: [], stats: 0, flags: 0 })).toEqual(C.CONNECT_GET_ALL_DOMAIN_STATS_CALL);
    expect(encodeCall(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, 11, { eventID: 0, dom: null })).toEqual(C.EVENT_REGISTER_LIFECYCLE_CALL);
  });

  it('re-encodes the captured define/undefine calls (XML string with padding, inactive id -1)', () => {
    const define = splitPacket(C.DOMAIN_DEFINE_XML_FLAGS_CALL);
    const args = decodeValue(DOMAIN_DEFINE_XML_FLAGS.args, define.payload);
    expect(args.xml).toContain(`<name>${C.CAPTURE_THROWAWAY_DOMAIN}</name>`);
    expect(encodeCall(DOMAIN_DEFINE_XML_FLAGS, define.header.serial, args)).toEqual(C.DOMAIN_DEFINE_XML_FLAGS_CALL);
    const { dom } = decodeReply(DOMAIN_DEFINE_XML_FLAGS, C.DOMAIN_DEFINE_XML_FLAGS_REPLY, define.header.serial);
    expect(dom).toMatchObject({ name: C.CAPTURE_THROWAWAY_DOMAIN, id: -1 });
    const undefine = splitPacket(C.DOMAIN_UNDEFINE_FLAGS_CALL);
    expect(encodeCall(DOMAIN_UNDEFINE_FLAGS, undefine.header.serial, { dom, flags: 0 })).toEqual(C.DOMAIN_UNDEFINE_FLAGS_CALL);
    expect(decodeReply(DOMAIN_UNDEFINE_FLAGS, C.DOMAIN_UNDEFINE_FLAGS_REPLY, undefine.header.serial)).toBeUndefined();
  });

  it('decodes AUTH_LIST, CONNECT_OPEN and CONNECT_GET_LIB_VERSION replies', () => {
    expect(decodeReply(AUTH_LIST, C.AUTH_LIST_REPLY, 1)).toEqual({ types: [0] });
    expect(decodeReply(CONNECT_OPEN, C.CONNECT_OPEN_REPLY, 2)).toBeUndefined();
    const { lib_ver } = decodeReply(CONNECT_GET_LIB_VERSION, C.CONNECT_GET_LIB_VERSION_REPLY, 3);
    expect(typeof lib_ver).toBe('bigint');
    expect(lib_ver).toBe(9_000_000n);
  });

  it('decodes the domain reference, state and info (uchar/ushort widened)', () => {
    expect(decodeReply(DOMAIN_LOOKUP_BY_NAME, C.DOMAIN_LOOKUP_BY_NAME_REPLY, 4)).toEqual({ dom: TEST_DOM });
    expect(decodeReply(DOMAIN_GET_STATE, C.DOMAIN_GET_STATE_REPLY, 5)).toEqual({ state: 1, reason: 0 });
    const info = decodeReply(DOMAIN_GET_INFO, C.DOMAIN_GET_INFO_REPLY, 6);
    expect(info).toMatchObject({ state: 1, maxMem: 8_388_608n, memory: 2_097_152n, nrVirtCpu: 2 });
    expect(typeof info.cpuTime).toBe('bigint');
    expect(splitPacket(C.DOMAIN_GET_INFO_REPLY).payload.length).toBe(4 + 8 + 8 + 4 + 8);
  });

  it('decodes NODE_GET_INFO with its 128-byte model', () => {
    expect(splitPacket(C.NODE_GET_INFO_REPLY).payload.length).toBe(128 + 8 + 6 * 4);
    expect(decodeReply(NODE_GET_INFO, C.NODE_GET_INFO_REPLY, 7)).toEqual({
      model: 'i686',
      memory: 3_145_728n,
      cpus: 16,
      mhz: 1400,
      nodes: 2,
      sockets: 2,
      cores: 2,
      threads: 2,
    });
  });

  it('decodes CONNECT_LIST_ALL_DOMAINS', () => {
    expect(decodeReply(CONNECT_LIST_ALL_DOMAINS, C.CONNECT_LIST_ALL_DOMAINS_REPLY, 8)).toEqual({ domains: [TEST_DOM], ret: 1 });
  });

  it('decodes CONNECT_GET_ALL_DOMAIN_STATS typed parameters', () => {
    const { retStats } = decodeReply(CONNECT_GET_ALL_DOMAIN_STATS, C.CONNECT_GET_ALL_DOMAIN_STATS_REPLY, 9);
    expect(retStats).toHaveLength(1);
    expect(retStats[0]!.dom).toEqual(TEST_DOM);
    expect(retStats[0]!.params).toEqual([
      { field: 'state.state', type: 'int', value: 1 },
      { field: 'state.reason', type: 'int', value: 0 },
    ]);
    expect(typedParamsToRecord(retStats[0]!.params)).toEqual({ 'state.state': 1, 'state.reason': 0 });
  });

  it('decodes the VIR_ERR_NO_DOMAIN error reply', () => {
    const { header, payload } = splitPacket(C.DOMAIN_LOOKUP_MISSING_REPLY);
    expect(header).toMatchObject({ proc: 23, type: MessageType.VIR_NET_REPLY, status: MessageStatus.VIR_NET_ERROR, serial: 10 });
    expect(decodeRemoteErrorFields(payload)).toEqual({
      code: 42,
      domain: 12,
      message: 'Domain not found',
      level: 2,
      str1: 'Domain not found',
      str2: null,
      str3: null,
      int1: -1,
      int2: -1,
      domainName: null,
      networkName: null,
    });
    const error = decodeRemoteError(payload, { program: REMOTE_PROGRAM, proc: 23, name: 'DOMAIN_LOOKUP_BY_NAME' });
    expect(error.codeName).toBe('VIR_ERR_NO_DOMAIN');
  });

  it('decodes the registration reply and the DEFINED/UNDEFINED lifecycle events', () => {
    expect(decodeReply(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, C.EVENT_REGISTER_LIFECYCLE_REPLY, 11)).toEqual({
      callbackID: 0,
    });
    const events = [C.EVENT_LIFECYCLE_DEFINED, C.EVENT_LIFECYCLE_UNDEFINED].map((packet) => {
      const { header, payload } = splitPacket(packet);
      expect(header).toMatchObject({ proc: 318, type: MessageType.VIR_NET_MESSAGE, serial: 1, status: 0 });
      const decoded = decodeEvent(header.proc, payload);
      expect(decoded).toMatchObject({ family: 'domain', eventId: 0, name: 'DOMAIN_EVENT_CALLBACK_LIFECYCLE' });
      // Encoding the flat value re-creates the nested wire layout byte for byte.
      expect(encodeValue(DOMAIN_EVENT_CALLBACK_LIFECYCLE.msg, decodeValue(DOMAIN_EVENT_CALLBACK_LIFECYCLE.msg, payload))).toEqual(payload);
      return decodeValue(DOMAIN_EVENT_CALLBACK_LIFECYCLE.msg, payload);
    });
    const [defined, undefined_] = events;
    expect(defined).toMatchObject({ callbackID: 0, dom: { name: C.CAPTURE_THROWAWAY_DOMAIN, id: -1 }, event: 0, detail: 0 });
    expect(undefined_).toMatchObject({ callbackID: 0, event: VirDomainEventType.VIR_DOMAIN_EVENT_UNDEFINED, detail: 0 });
    expect([domainEventName(defined!.event), domainEventDetailName(defined!.event, defined!.detail)]).toEqual(['defined', 'added']);
    expect([domainEventName(undefined_!.event), domainEventDetailName(undefined_!.event, undefined_!.detail)]).toEqual([
      'undefined',
      'removed',
    ]);
  });

  it('every captured reply fails closed when truncated anywhere', () => {
    const cases: [Procedure<unknown, unknown>, Buffer][] = [
      [NODE_GET_INFO as Procedure<unknown, unknown>, C.NODE_GET_INFO_REPLY],
      [DOMAIN_GET_INFO as Procedure<unknown, unknown>, C.DOMAIN_GET_INFO_REPLY],
      [CONNECT_GET_ALL_DOMAIN_STATS as Procedure<unknown, unknown>, C.CONNECT_GET_ALL_DOMAIN_STATS_REPLY],
      [CONNECT_LIST_ALL_DOMAINS as Procedure<unknown, unknown>, C.CONNECT_LIST_ALL_DOMAINS_REPLY],
    ];
    for (const [proc, packet] of cases) {
      const { payload } = splitPacket(packet);
      for (let cut = 0; cut < payload.length; cut++) {
        expect(() => decodeValue(proc.ret, payload.subarray(0, cut))).toThrow(ProtocolError);
      }
    }
  });
});
