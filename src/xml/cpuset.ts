/**
 * libvirt's CPU list syntax (`'2'`, `'0-3'`, `'0-3,^2,6'`): the `cpuset`
 * attributes of domain XML, and the strings the guest-vCPU calls take and
 * return. One parser and one writer for the creator's validation and the
 * connection's guest-vCPU calls.
 *
 * @module
 */

/** A libvirt CPU list: numbers and ranges, comma-separated, `^n` removing one. */
export const CPUSET_PATTERN = /^\^?\d{1,5}(-\d{1,5})?(,\^?\d{1,5}(-\d{1,5})?)*$/;

/**
 * The CPU numbers a CPU list names (`^n` removes); `undefined` when one is
 * `max` or more, or a range runs backwards. Check the syntax with
 * {@link CPUSET_PATTERN} first.
 *
 * @example cpusetMembers('0-3,^2') // Set { 0, 1, 3 }
 */
export function cpusetMembers(cpuset: string, max = Number.POSITIVE_INFINITY): Set<number> | undefined {
  const set = new Set<number>();
  for (const part of cpuset.split(',')) {
    const negate = part.startsWith('^');
    const [a, b] = (negate ? part.slice(1) : part).split('-').map(Number) as [number, number | undefined];
    const end = b ?? a;
    if (end < a || end >= max) return undefined;
    for (let i = a; i <= end; i++)
      if (negate) set.delete(i);
      else set.add(i);
  }
  return set;
}

/**
 * Write CPU numbers as a libvirt CPU list, runs as ranges.
 *
 * @example formatCpuset([0, 1, 2, 5]) // '0-2,5'
 */
export function formatCpuset(cpus: Iterable<number>): string {
  const sorted = [...new Set(cpus)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j === i ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
