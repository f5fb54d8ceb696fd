/**
 * A string enumeration that libvirt may extend: the known values autocomplete,
 * any other string is still accepted (and kept when parsed).
 */
export type Open<T extends string> = T | (string & {});
