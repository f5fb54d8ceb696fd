#!/bin/busybox sh
# shellcheck shell=sh
# /sbin/shutdown in the test guest (busybox has no shutdown applet); scripts/build-test-guest.sh
# copies it there. qemu-ga's guest-shutdown runs "shutdown -P|-h|-r +0 <message>": power off (or
# reboot) now.
# shellcheck source=/dev/null # written by the build script (see init.sh)
. /etc/test-guest.conf
case " $* " in *" -r "*) /bin/busybox reboot -f ;; esac
echo "$POWEROFF_MARKER" >/dev/console
/bin/busybox poweroff -f
