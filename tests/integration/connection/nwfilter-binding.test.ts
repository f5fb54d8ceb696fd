/**
 * Network filter bindings on qemu:///system (the test driver has no nwfilter
 * driver). A tiny guest started paused (its QEMU process and tap exist; the
 * guest never boots) has one NIC on an isolated lvm-* network with a
 * `<filterref>` to an lvm-* filter: libvirt makes its binding; the test finds
 * it by port device, deletes it and creates it again, from XML and from a model.
 * Run with `flock /tmp/lvm-qemu.lock`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  LibvirtConnection,
  LibvirtError,
  type DomainRef,
  type NwfilterBindingRef,
} from '../../../src/connection/internal.js';
import { ensureTestGuest, guestDomainXml, logDir } from '../../helpers/guest.js';
import { QEMU_URI, uniqueName, virshQuiet } from '../../helpers/libvirt.js';

const MAC = '52:54:00:6c:76:10';
/** `VIR_DOMAIN_START_PAUSED`. */
const START_PAUSED = 1;

describe('nwfilter bindings on qemu:///system', () => {
  let conn: LibvirtConnection;
  const filter = uniqueName('filter');
  const network = uniqueName('bnet');
  const guestName = uniqueName('bind');
  const logs = logDir('lvm-bind-');
  let vm: DomainRef;
  let binding: NwfilterBindingRef;

  beforeAll(async () => {
    const guest = ensureTestGuest();
    conn = await LibvirtConnection.connect(QEMU_URI, { reconnect: false });
    // validate: NWFILTER_DEFINE_XML_FLAGS (431) with VIR_NWFILTER_DEFINE_VALIDATE.
    await conn.nwfilters.define(
      `<filter name='${filter}' chain='root'><rule action='accept' direction='inout' priority='500'><mac protocolid='ipv4'/></rule></filter>`,
      {
        validate: true,
      },
    );
    await conn.networks.define(`<network><name>${network}</name><ip address='10.254.204.1' netmask='255.255.255.0'/></network>`);
    await conn.networks.start(network);
    const nic = `<interface type='network'><source network='${network}'/><mac address='${MAC}'/><model type='virtio'/><filterref filter='${filter}'/></interface>`;
    const xml = guestDomainXml(guest, { name: guestName, logPath: logs.path(guestName), variant: 'noacpi' }).replace(
      '</devices>',
      `${nic}</devices>`,
    );
    vm = await conn.domains.control.createTransient(xml, { flags: START_PAUSED });
  }, 120_000);

  afterAll(async () => {
    virshQuiet(QEMU_URI, 'destroy', guestName);
    virshQuiet(QEMU_URI, 'net-destroy', network);
    virshQuiet(QEMU_URI, 'net-undefine', network);
    virshQuiet(QEMU_URI, 'nwfilter-undefine', filter);
    await conn.close();
    logs.remove();
  });

  it("finds the binding libvirt made for the guest's NIC by its port device", async () => {
    const mine = (await conn.nwfilters.listBindings()).filter((b) => b.filtername === filter);
    expect(mine).toHaveLength(1);
    binding = mine[0]!;
    expect(await conn.nwfilters.lookupBinding(binding.portdev)).toEqual(binding);
    const xml = await conn.nwfilters.getBindingXml(binding);
    expect(xml).toContain(`<mac address='${MAC}'/>`);
    expect(xml).toContain(vm.uuid);
  });

  it('deletes the binding and creates it again from its XML', async () => {
    const xml = await conn.nwfilters.getBindingXml(binding);
    await conn.nwfilters.deleteBinding(binding);
    const gone = await conn.nwfilters.lookupBinding(binding.portdev).catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(LibvirtError);
    expect((gone as LibvirtError).codeName).toBe('VIR_ERR_NO_NWFILTER_BINDING');
    expect(await conn.nwfilters.createBinding(xml)).toEqual(binding);
    expect(await conn.nwfilters.lookupBinding(binding.portdev)).toEqual(binding);
  });

  it('creates it from a model with validate, and refuses a second binding on the same port', async () => {
    await conn.nwfilters.deleteBinding(binding);
    const model = { owner: { name: vm.name, uuid: vm.uuid }, portdev: binding.portdev, mac: MAC, filterref: { filter } };
    expect(await conn.nwfilters.createBinding(model, { validate: true })).toEqual(binding);
    await expect(conn.nwfilters.createBinding(model)).rejects.toBeInstanceOf(LibvirtError);
    expect(await conn.nwfilters.getBindingXml(binding)).toContain(`<filterref filter='${filter}'`);
  });

  it('refuses bad input before anything is sent', async () => {
    const model = { owner: { name: vm.name, uuid: vm.uuid }, portdev: binding.portdev, mac: MAC, filterref: { filter } };
    await expect(conn.nwfilters.createBinding({ ...model, mac: 'nope' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nwfilters.createBinding({ ...model, portdev: 'a/b' })).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nwfilters.createBinding({ ...model, owner: { name: vm.name, uuid: 'x' } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(conn.nwfilters.createBinding({ ...model, filterref: { filter, parameters: { 'bad-name': '1' } } })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    await expect(conn.nwfilters.createBinding(model, { validate: 'yes' } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nwfilters.deleteBinding({ portdev: binding.portdev } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nwfilters.lookupBinding('')).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.nwfilters.define('<filter/>', { validat: true } as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(await conn.nwfilters.lookupBinding(binding.portdev)).toEqual(binding);
  });

  it('libvirt removes the binding when the guest stops', async () => {
    await conn.domains.control.forceOff(vm);
    expect((await conn.nwfilters.listBindings()).filter((b) => b.filtername === filter)).toEqual([]);
  });
});
