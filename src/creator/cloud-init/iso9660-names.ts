/**
 * File identifiers of the ISO 9660 primary directory: level-1 "8.3" names
 * derived from the real names, and the directory sort order of ECMA-119 9.3.
 *
 * @module
 */

/**
 * ISO 9660 level-1 identifiers ("8.3" d-characters plus `;1`) for names already
 * sorted, made unique by replacing the end of the 8-character part with a
 * counter. Only readers that ignore both Joliet and Rock Ridge see them.
 */
export function level1Identifiers(names: readonly string[]): string[] {
  const used = new Set<string>();
  const toD = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9_]/g, '_');
  return names.map((name) => {
    const dot = name.lastIndexOf('.');
    const base = toD(dot >= 0 ? name.slice(0, dot) : name).slice(0, 8) || '_';
    const ext = dot >= 0 ? toD(name.slice(dot + 1)).slice(0, 3) : '';
    let stem = base;
    for (let n = 1; used.has(`${stem}.${ext}`); n++) stem = base.slice(0, 8 - String(n).length) + String(n);
    used.add(`${stem}.${ext}`);
    return `${stem}.${ext};1`;
  });
}

/**
 * ECMA-119 9.3 directory order: by name part, then extension, each padded
 * with spaces. All our characters sort above the space, so this is plain
 * code-unit order of (name, extension).
 */
export function compareIdentifiers(a: string, b: string): number {
  const split = (s: string): [string, string] => {
    const bare = s.replace(/;1$/, '');
    const dot = bare.lastIndexOf('.');
    return dot >= 0 ? [bare.slice(0, dot), bare.slice(dot + 1)] : [bare, ''];
  };
  const [an, ae] = split(a);
  const [bn, be] = split(b);
  if (an !== bn) return an < bn ? -1 : 1;
  if (ae !== be) return ae < be ? -1 : 1;
  return 0;
}
