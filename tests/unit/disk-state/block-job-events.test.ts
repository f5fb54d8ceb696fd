/**
 * BLOCK_JOB_2 (339) and the legacy BLOCK_JOB (326) decode into the typed
 * `domain.block-job` event: from bytes laid out as libvirt sends them, through
 * the event decoder and the public shape, to the subscription name it answers to.
 */
import { describe, expect, it } from 'vitest';
import { canonicalEventType, eventKeyOf, subscriptionTypeOf } from '../../../src/connection/events/event-types.js';
import { toLibvirtEvent } from '../../../src/connection/events/decode-event.js';
import { DOMAIN_EVENT_BLOCK_JOB_2, DOMAIN_EVENT_CALLBACK_BLOCK_JOB, decodeEvent } from '../../../src/rpc/protocol/index.js';
import { XdrWriter } from '../../../src/rpc/xdr/index.js';

const UUID = '0123456789abcdef0123456789abcdef';
const dom = { name: 'vm1', uuid: '01234567-89ab-cdef-0123-456789abcdef', id: 7 };

/** XDR string: length, bytes, zero padding to 4. */
function str(s: string): string {
  const b = Buffer.from(s);
  const pad = (4 - (b.length % 4)) % 4;
  return b.length.toString(16).padStart(8, '0') + b.toString('hex') + '00'.repeat(pad);
}
const int = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');

/** `remote_nonnull_domain`: name, 16-byte uuid, id. */
const domHex = str('vm1') + UUID + int(7);

describe('BLOCK_JOB_2 (proc 339)', () => {
  // Flat layout: int callbackID; remote_nonnull_domain dom; string dst; int type; int status.
  const bytes = Buffer.from(
    int(3) + // callbackID
      domHex + // dom
      str('vdb') + // dst: the disk target
      int(2) + // type: VIR_DOMAIN_BLOCK_JOB_TYPE_COPY
      int(3), // status: VIR_DOMAIN_BLOCK_JOB_READY
    'hex',
  );

  it('decodes from the wire bytes into the typed event', () => {
    const decoded = decodeEvent(339, bytes)!;
    expect(decoded).toMatchObject({ family: 'domain', eventId: 16 });
    const event = toLibvirtEvent(decoded);
    expect(event).toEqual({
      type: 'domain.block-job',
      domain: dom,
      disk: 'vdb',
      diskKind: 'target',
      job: 'copy',
      status: 'ready',
      jobCode: 2,
      statusCode: 3,
    });
    expect(subscriptionTypeOf(event)).toBe('domain.block-job');
  });

  it('the descriptor encodes the same bytes back', () => {
    const w = new XdrWriter(8);
    DOMAIN_EVENT_BLOCK_JOB_2.msg.encode(w, { callbackID: 3, dom, dst: 'vdb', type: 2, status: 3 }, 'v');
    expect(Buffer.from(w.bytes()).toString('hex')).toBe(bytes.toString('hex'));
  });

  it.each([
    [0, 'completed'],
    [1, 'failed'],
    [2, 'canceled'],
    [3, 'ready'],
    [9, 'unknown(9)'],
  ] as const)('status %i is %s', (status, name) => {
    const w = new XdrWriter(8);
    DOMAIN_EVENT_BLOCK_JOB_2.msg.encode(w, { callbackID: 1, dom, dst: 'vda', type: 4, status }, 'v');
    const event = toLibvirtEvent(decodeEvent(339, Buffer.from(w.bytes()))!);
    expect(event).toMatchObject({ status: name, job: 'active-commit', statusCode: status });
  });

  it.each([
    [0, 'unknown'],
    [1, 'pull'],
    [2, 'copy'],
    [3, 'commit'],
    [4, 'active-commit'],
    [5, 'backup'],
    [42, 'unknown'],
  ] as const)('job type %i is %s', (type, name) => {
    const w = new XdrWriter(8);
    DOMAIN_EVENT_BLOCK_JOB_2.msg.encode(w, { callbackID: 1, dom, dst: 'vda', type, status: 0 }, 'v');
    expect(toLibvirtEvent(decodeEvent(339, Buffer.from(w.bytes()))!)).toMatchObject({ job: name, jobCode: type });
  });
});

describe('legacy BLOCK_JOB (proc 326)', () => {
  it('nested layout: the disk is a source path, and the event answers to domain.block_job', () => {
    // int callbackID; { remote_nonnull_domain dom; string path; int type; int status } msg.
    const bytes = Buffer.from(int(5) + domHex + str('/var/lib/libvirt/images/a.qcow2') + int(1) + int(0), 'hex');
    const event = toLibvirtEvent(decodeEvent(326, bytes)!);
    expect(event).toEqual({
      type: 'domain.block-job',
      domain: dom,
      disk: '/var/lib/libvirt/images/a.qcow2',
      diskKind: 'path',
      job: 'pull',
      status: 'completed',
      jobCode: 1,
      statusCode: 0,
    });
    expect(subscriptionTypeOf(event)).toBe('domain.block_job');
    const w = new XdrWriter(8);
    DOMAIN_EVENT_CALLBACK_BLOCK_JOB.msg.encode(w, { callbackID: 5, dom, path: '/var/lib/libvirt/images/a.qcow2', type: 1, status: 0 }, 'v');
    expect(Buffer.from(w.bytes()).equals(bytes)).toBe(true);
  });
});

describe('subscription names', () => {
  it('domain.block-job registers BLOCK_JOB_2; the legacy name registers BLOCK_JOB', () => {
    expect(eventKeyOf('domain.block-job')).toEqual({ family: 'domain', eventId: 16 });
    expect(eventKeyOf('domain.block_job')).toEqual({ family: 'domain', eventId: 8 });
  });

  it("the old name 'domain.block_job_2' still subscribes, to the typed event", () => {
    expect(eventKeyOf('domain.block_job_2')).toEqual({ family: 'domain', eventId: 16 });
    expect(canonicalEventType('domain.block_job_2')).toBe('domain.block-job');
    expect(canonicalEventType('domain.lifecycle')).toBe('domain.lifecycle');
  });
});
