/**
 * The text form of a UUID read in place from a packet: internal to the protocol layer (the `uuid` codec and
 * {@link uuidToString}), not re-exported.
 *
 * @module
 */

/** Two lower-case hex digits per byte value. */
const HEX_PAIRS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * The text form of the 16 bytes of `b` from offset `o`. Built from a table in plain JavaScript: the old route (a Buffer
 * view, `toString('hex')` across into C++, five slices) cost about 3× as much, and every domain, network or
 * volume reference in a reply has a UUID.
 */
export function uuidTextAt(b: Uint8Array, o: number): string {
  const h = HEX_PAIRS;
  return (
    h[b[o]!]! +
    h[b[o + 1]!]! +
    h[b[o + 2]!]! +
    h[b[o + 3]!]! +
    '-' +
    h[b[o + 4]!]! +
    h[b[o + 5]!]! +
    '-' +
    h[b[o + 6]!]! +
    h[b[o + 7]!]! +
    '-' +
    h[b[o + 8]!]! +
    h[b[o + 9]!]! +
    '-' +
    h[b[o + 10]!]! +
    h[b[o + 11]!]! +
    h[b[o + 12]!]! +
    h[b[o + 13]!]! +
    h[b[o + 14]!]! +
    h[b[o + 15]!]!
  );
}
