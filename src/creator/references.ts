/**
 * What a spec names on the host that must be read before the domain XML can
 * be written: the libvirt secret holding a graphics password, and USB host
 * devices given by node device name. Read-only lookups, done with the other
 * facts before anything is made; the result is the checked spec with both
 * filled in, so planning stays pure.
 *
 * @module
 */
import { show, specError } from './errors.js';
import type { GraphicsPasswordSecret } from './spec-hardware.js';
import type { GraphicsSpec } from './spec.js';
import type { CheckedSpec } from './validate.js';
import { checkGraphicsPassword } from './validate-graphics.js';
import { checkHostdevsDistinct } from './validate-hostdev.js';
import { VirErrorCode, libvirtCodeOf } from '../errors/index.js';
import type { CallOptions, LibvirtConnection } from '../connection/internal.js';
import type { HostdevDevice, HostdevSource, UsbDeviceCapability } from '../xml/index.js';

const PASSWORD = 'graphics.password';

/** Find the secret; a missing one is a spec error at `graphics.password.secret`. */
async function lookupSecret(connection: LibvirtConnection, source: GraphicsPasswordSecret['secret'], options: CallOptions) {
  try {
    return typeof source === 'string'
      ? await connection.secrets.lookup(source, options)
      : await connection.secrets.lookupByUsage(source, options);
  } catch (error) {
    if (libvirtCodeOf(error) === VirErrorCode.VIR_ERR_NO_SECRET)
      throw specError(
        `${PASSWORD}.secret`,
        typeof source === 'string' ? `no secret with UUID ${source}` : `no ${source.type} secret with usage ID ${show(source.id)}`,
        error,
      );
    throw error;
  }
}

/**
 * The password in the secret, checked as a literal one would be. The bytes
 * read are zeroed; errors name the secret, never its value.
 */
async function secretPassword(
  connection: LibvirtConnection,
  graphics: GraphicsSpec & { password: GraphicsPasswordSecret },
  options: CallOptions,
): Promise<string> {
  const ref = await lookupSecret(connection, graphics.password.secret, options);
  let bytes: Buffer;
  try {
    bytes = await connection.secrets.getValue(ref, options);
  } catch (error) {
    const code = libvirtCodeOf(error);
    // libvirt 9.0: a secret without a value is VIR_ERR_NO_SECRET ("does not have a value"); a private one
    // is VIR_ERR_INVALID_SECRET ("secret is private"): libvirt never gives its value to a client.
    if (code === VirErrorCode.VIR_ERR_NO_SECRET) throw specError(`${PASSWORD}.secret`, `secret ${ref.uuid} has no value`, error);
    if (code === VirErrorCode.VIR_ERR_INVALID_SECRET || code === VirErrorCode.VIR_ERR_OPERATION_DENIED)
      throw specError(`${PASSWORD}.secret`, `secret ${ref.uuid} is private: libvirt does not give its value to clients`, error);
    throw error;
  }
  try {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw specError(`${PASSWORD}.secret`, `secret ${ref.uuid}'s value is not UTF-8 text`);
    }
    return checkGraphicsPassword(text, graphics.type, `${PASSWORD} (secret ${ref.uuid})`);
  } finally {
    bytes.fill(0);
  }
}

/**
 * A USB device's `<source>` from its node device, as virt-install writes it:
 * vendor and product, and also bus and device number when another USB device
 * of the host has the same ids (the ids alone would be ambiguous).
 */
async function usbSource(connection: LibvirtConnection, name: string, path: string, options: CallOptions): Promise<HostdevSource> {
  const usbOf = async (device: string): Promise<UsbDeviceCapability | undefined> =>
    (await connection.nodeDevices.get(device, options)).capabilities.find((c): c is UsbDeviceCapability => c.type === 'usb_device');
  let usb: UsbDeviceCapability | undefined;
  try {
    usb = await usbOf(name);
  } catch (error) {
    if (libvirtCodeOf(error) === VirErrorCode.VIR_ERR_NO_NODE_DEVICE)
      throw specError(path, `no node device named ${show(name)} (virsh nodedev-list --cap usb_device)`, error);
    throw error;
  }
  if (usb === undefined) throw specError(path, `node device ${show(name)} is not a USB device (no usb_device capability)`);
  const address = { bus: String(usb.bus), device: String(usb.device) };
  if (usb.vendor === undefined || usb.product === undefined) return { address };
  const ids = { vendor: usb.vendor.id.toLowerCase(), product: usb.product.id.toLowerCase() };
  let same = 0;
  for (const ref of await connection.nodeDevices.list({ ...options, capabilities: ['usb_device'] })) {
    const other = ref.name === name ? usb : await usbOf(ref.name);
    if (other?.vendor?.id.toLowerCase() === ids.vendor && other.product?.id.toLowerCase() === ids.product) same += 1;
  }
  return same > 1 ? { ...ids, address } : ids;
}

/**
 * Read what the spec refers to on the host and return the checked spec with
 * it filled in: the graphics password from its secret, the `<source>` of USB
 * host devices given by node device name. Read-only; returns `checked` itself
 * when there is nothing to read.
 *
 * @throws InvalidArgumentError (`ERR_LIBVIRT_INVALID_SPEC`, `path`) for a missing, private, empty-valued or
 *   unfit secret, and for a node device that is missing or not a USB device; nothing was made
 * @throws UnsupportedError when the driver has no secrets (the test driver)
 * @see virSecretGetValue
 * @see virNodeDeviceGetXMLDesc
 */
export async function resolveReferences(connection: LibvirtConnection, checked: CheckedSpec, options: CallOptions): Promise<CheckedSpec> {
  const g = checked.graphics;
  const fromSecret = g !== undefined && typeof g.password === 'object';
  const pending = checked.hardware.usbNodeDevices;
  if (!fromSecret && pending.length === 0) return checked;
  let graphics = g;
  if (fromSecret)
    graphics = { ...g, password: await secretPassword(connection, g as GraphicsSpec & { password: GraphicsPasswordSecret }, options) };
  const hostdevs: HostdevDevice[] = [...checked.hardware.hostdevs];
  for (const { index, name } of pending) {
    hostdevs[index] = { ...hostdevs[index]!, source: await usbSource(connection, name, `hostdevs[${index}].nodeDevice`, options) };
  }
  // Two names, or a name and ids, may be one device.
  checkHostdevsDistinct(hostdevs, []);
  return { ...checked, graphics, hardware: { ...checked.hardware, hostdevs, usbNodeDevices: [] } };
}
