import { ElementReader, compact } from '../core/reader.js';

/** The formats a pool type takes for its source (`poolOptions`) or its volumes (`volOptions`). */
export interface StorageFormatCapability {
  /** `<defaultFormat type>`: used when none is given, e.g. `'raw'` for volumes, `'auto'` for an fs pool. */
  default?: string;
  /** Every allowed format (`sourceFormatType` / `targetFormatType`), e.g. `['raw', 'qcow2', …]`. */
  values: string[];
}

/** One pool type of the storage pool capabilities. */
export interface StoragePoolTypeCapability {
  /** Whether this daemon's storage driver was built with (and can use) this pool type. */
  supported: boolean;
  /** Formats of the pool's source (fs: `ext4`, `xfs`…; disk: `dos`, `gpt`…; logical: `lvm2`). */
  poolFormats?: StorageFormatCapability;
  /** Formats of its volumes (dir/fs/netfs: `raw`, `qcow2`…; disk: partition types). */
  volumeFormats?: StorageFormatCapability;
}

/**
 * What the storage driver supports (`virConnectGetStoragePoolCapabilities`,
 * `virsh pool-capabilities`), by pool type: `dir`, `fs`, `netfs`, `logical`,
 * `disk`, `iscsi`, `iscsi-direct`, `scsi`, `mpath`, `rbd`, `sheepdog`, `gluster`, `zfs`, `vstorage`.
 *
 * @see https://libvirt.org/formatstoragecaps.html
 */
export interface StoragePoolCapabilities {
  pools: Record<string, StoragePoolTypeCapability>;
}

function readFormats(r: ElementReader | undefined, enumName: string): StorageFormatCapability | undefined {
  if (r === undefined) return undefined;
  const values = r
    .children('enum')
    .filter((e) => e.attr('name') === enumName)
    .flatMap((e) => e.children('value').map((v) => v.text().trim()));
  return compact({ default: r.child('defaultFormat')?.attr('type'), values });
}

/**
 * Parse storage pool capabilities XML.
 *
 * @example
 * const caps = parseStoragePoolCapabilitiesXml(xml);
 * caps.pools.logical?.supported; // true
 * caps.pools.dir?.volumeFormats?.values.includes('qcow2'); // true
 * @throws XmlParseError when malformed or not a `<storagepoolCapabilities>` document.
 * @see https://libvirt.org/formatstoragecaps.html
 */
export function parseStoragePoolCapabilitiesXml(xml: string): StoragePoolCapabilities {
  const r = ElementReader.root(xml, 'storagepoolCapabilities');
  const pools: Record<string, StoragePoolTypeCapability> = {};
  for (const pool of r.children('pool')) {
    pools[pool.requiredAttr('type')] = compact({
      supported: pool.bool('supported') ?? false,
      poolFormats: readFormats(pool.child('poolOptions'), 'sourceFormatType'),
      volumeFormats: readFormats(pool.child('volOptions'), 'targetFormatType'),
    });
  }
  return { pools };
}
