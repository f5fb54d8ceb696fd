/**
 * How many devices and list entries one `VmSpec` may hold, and why.
 * Checked by `validateSpec` from each array's `length` before any entry is
 * looked at, so an absurd spec (`new Array(2 ** 32 - 1)`) is refused at once.
 *
 * @module
 */
import { MAX_TEXT_BYTES } from './validate-text.js';

/**
 * Most devices one spec lists: `disks`, `networks` and `overrides.devicesXml`
 * together. 226 is what libvirt places on a q35 machine (the SDK's default)
 * with every default device on, as measured against libvirt 9.0 / QEMU 7.2
 * (`virsh define` of 225 virtio disks and a NIC passes, one more fails with
 * "a PCI slot is needed to connect a PCI controller model='pcie-root-port',
 * but none is available"):
 *
 * - every virtio disk and NIC is a PCIe device, and libvirt plugs each into a
 *   `pcie-root-port` of its own;
 * - `pcie-root` offers 30 slots for them (slot 0 is the host bridge, slot 31
 *   the ICH9 functions), each with 8 root ports as functions: 240 ports;
 * - libvirt keeps one port free for hot-plug, the primary video card takes
 *   slot 1 whole (8 ports), and the SDK's own devices 5 more (USB
 *   controller, virtio-scsi controller for the seed, virtio-serial for the
 *   guest agent, virtio-rng, memory balloon): 240 − 1 − 8 − 5 = 226.
 *
 * Other buses take at least as many (virtio-scsi, SATA) or fewer: IDE at
 * most {@link MAX_IDE_DEVICES}; USB disks about 140 (the xHCI controller's
 * 15 ports and the hubs libvirt adds), a limit libvirt itself enforces at
 * define time. The `pc` machine takes more (its PCI bridges give ~900 slots):
 * this cap is the one every machine the SDK picks can hold.
 */
export const MAX_VM_DEVICES = 226;

/** Why {@link MAX_VM_DEVICES}, in one sentence for error messages. */
export const MAX_VM_DEVICES_REASON =
  `a VM takes at most ${MAX_VM_DEVICES} devices (disks, networks and overrides.devicesXml together): ` +
  "libvirt gives a q35 machine 240 PCIe root ports, one per virtio disk or NIC, and keeps 14 of them for hot-plug, video and the SDK's own devices";

/**
 * Most IDE disks and cdroms (the seed included): the one IDE controller QEMU
 * has (`pc` machines only) has 2 buses of 2 units, `hda`–`hdd`; libvirt
 * refuses a second ("Only 1 IDE controller is supported").
 */
export const MAX_IDE_DEVICES = 4;

/** Most `boot.order` entries: libvirt reads at most 4 `<boot dev>` elements (`VIR_DOMAIN_BOOT_LAST`) and ignores the rest. */
export const MAX_BOOT_ORDER = 4;

/**
 * Most `overrides.domainXml` elements: the domain XML travels as one libvirt
 * string of at most 4 MiB, and the shortest element (`<a/>`) takes 4 bytes.
 */
export const MAX_DOMAIN_XML_ELEMENTS = MAX_TEXT_BYTES / 4;
