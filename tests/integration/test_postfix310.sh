#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_postfix310 - Postfix 3.10 (Debian trixie's, from the root that
# tests/roots.sh caches) with milter-explain outside the root as its footer
# map and milter: Postfix's 550 5.1.1, 554 5.7.1, 500 5.5.2 and 501 5.5.4
# get the guidance appended; unknown commands reach the milter as whole
# lines, but Postfix keeps its own 500 5.5.2 and drops the milter's reply.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/chroot.sh"
. "$PFX_LIBDIR/release.sh"

release_start trixie
case $CHROOT_VERSION in
    3.10.*) ;;
    *) fail "the trixie root has Postfix $CHROOT_VERSION, not 3.10" ;;
esac
chroot_pfx_start
release_check_footer
release_check_unknown
release_check_clean
