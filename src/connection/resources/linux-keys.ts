/**
 * Key names of libvirt's `linux` codeset (`VIR_KEYCODE_SET_LINUX`): the
 * codes of `<linux/input-event-codes.h>`, the ones virsh's `send-key` knows
 * as `KEY_…`. Names are matched without case and with or without `KEY_`
 * (`'KEY_LEFTCTRL'`, `'leftctrl'`); a few short aliases (`ctrl`, `alt`,
 * `shift`, `meta`, `del`, `esc`, `return`) name the left-hand key.
 *
 * @module
 */

/** The base names, `KEY_` left off, and their codes. */
const KEYS: Readonly<Record<string, number>> = {
  esc: 1,
  ...Object.fromEntries([...'1234567890'].map((d, i) => [d, i + 2])),
  minus: 12,
  equal: 13,
  backspace: 14,
  tab: 15,
  ...Object.fromEntries([...'qwertyuiop'].map((c, i) => [c, i + 16])),
  leftbrace: 26,
  rightbrace: 27,
  enter: 28,
  leftctrl: 29,
  ...Object.fromEntries([...'asdfghjkl'].map((c, i) => [c, i + 30])),
  semicolon: 39,
  apostrophe: 40,
  grave: 41,
  leftshift: 42,
  backslash: 43,
  ...Object.fromEntries([...'zxcvbnm'].map((c, i) => [c, i + 44])),
  comma: 51,
  dot: 52,
  slash: 53,
  rightshift: 54,
  kpasterisk: 55,
  leftalt: 56,
  space: 57,
  capslock: 58,
  ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`f${i + 1}`, 59 + i])),
  numlock: 69,
  scrolllock: 70,
  kp7: 71,
  kp8: 72,
  kp9: 73,
  kpminus: 74,
  kp4: 75,
  kp5: 76,
  kp6: 77,
  kpplus: 78,
  kp1: 79,
  kp2: 80,
  kp3: 81,
  kp0: 82,
  kpdot: 83,
  f11: 87,
  f12: 88,
  kpenter: 96,
  rightctrl: 97,
  kpslash: 98,
  sysrq: 99,
  rightalt: 100,
  home: 102,
  up: 103,
  pageup: 104,
  left: 105,
  right: 106,
  end: 107,
  down: 108,
  pagedown: 109,
  insert: 110,
  delete: 111,
  mute: 113,
  volumedown: 114,
  volumeup: 115,
  power: 116,
  pause: 119,
  leftmeta: 125,
  rightmeta: 126,
  compose: 127,
  sleep: 142,
  wakeup: 143,
};

/** Short names for the left-hand modifiers and common keys. */
const ALIASES: Readonly<Record<string, string>> = {
  ctrl: 'leftctrl',
  alt: 'leftalt',
  shift: 'leftshift',
  meta: 'leftmeta',
  super: 'leftmeta',
  del: 'delete',
  escape: 'esc',
  return: 'enter',
  pgup: 'pageup',
  pgdn: 'pagedown',
};

/** `KEY_MAX` of the Linux input layer: the highest code the codeset holds. */
export const LINUX_KEY_MAX = 0x2ff;

/**
 * The Linux key code of `name` (`'KEY_A'`, `'a'`, `'ctrl'`…), or `undefined`
 * when the table has no such name.
 * @example linuxKeyCode('KEY_LEFTCTRL') // 29
 */
export function linuxKeyCode(name: string): number | undefined {
  let key = name.toLowerCase();
  if (key.startsWith('key_')) key = key.slice(4);
  key = ALIASES[key] ?? key;
  return Object.prototype.hasOwnProperty.call(KEYS, key) ? KEYS[key] : undefined;
}
