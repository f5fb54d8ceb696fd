import { compact, withExtras, type ElementReader, type Extensible } from '../core/reader.js';
import type { Open } from '../core/types.js';
import { yesNo, type ElementWriter } from '../core/writer.js';
import { invalidSpec } from '../errors.js';

/** A `<timer>` of the guest clock. */
export interface ClockTimer extends Extensible {
  name: Open<'rtc' | 'pit' | 'hpet' | 'kvmclock' | 'hypervclock' | 'tsc' | 'platform' | 'armvtimer'>;
  tickpolicy?: Open<'delay' | 'catchup' | 'merge' | 'discard'>;
  present?: boolean;
}

/**
 * `<clock>`: how the guest clock is initialised and which timers it has.
 * virt-install uses `utc` with rtc catchup, pit delay and hpet absent on x86.
 *
 * @see https://libvirt.org/formatdomain.html#time-keeping
 */
export interface DomainClock extends Extensible {
  /** `'utc'` for Linux guests, `'localtime'` for Windows. */
  offset: Open<'utc' | 'localtime' | 'timezone' | 'variable' | 'absolute'>;
  /** For `offset: 'timezone'`. */
  timezone?: string;
  timers?: ClockTimer[];
}

/** @internal */
export function writeClock(w: ElementWriter, clock: DomainClock): void {
  if (typeof clock.offset !== 'string' || clock.offset === '') throw invalidSpec(`${w.path}.offset`, 'is required');
  w.attrs({ offset: clock.offset, timezone: clock.timezone });
  (clock.timers ?? []).forEach((t, i) => {
    const path = `${w.path}.timers[${i}]`;
    if (typeof t.name !== 'string' || t.name === '') throw invalidSpec(`${path}.name`, 'is required');
    w.child('timer', { name: t.name, tickpolicy: t.tickpolicy, present: yesNo(t.present) }, path).extras(t);
  });
  w.extras(clock);
}

/** @internal */
export function readClock(r: ElementReader): DomainClock {
  const timers = r
    .children('timer')
    .map((t) =>
      compact(withExtras({ name: t.requiredAttr('name'), tickpolicy: t.attr('tickpolicy'), present: t.bool('present') }, t.extras())),
    );
  const clock: DomainClock = compact({
    offset: r.attr('offset') ?? 'utc',
    timezone: r.attr('timezone'),
    timers: timers.length > 0 ? timers : undefined,
  });
  return withExtras(clock, r.extras());
}
