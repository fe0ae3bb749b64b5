#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# test_postfix311 - Postfix 3.11 or later (Debian sid's, from the root that
# tests/roots.sh caches) with milter-explain outside the root: the footer
# map and the unknown-command checks of test_postfix310, then the filter
# map (smtpd_reject_filter_maps): Postfix takes the daemon's multi-line
# replacement as it is (a "replace" rule drops Postfix's text), and with
# the footer map beside it the guidance still appears once, after a
# "replace" rule too.
srcdir=${srcdir:-$(dirname "$0")}
. "$srcdir/tests/integration/lib.sh" 2>/dev/null || . "$(dirname "$0")/lib.sh"
. "$PFX_LIBDIR/daemon.sh"
. "$PFX_LIBDIR/chroot.sh"
. "$PFX_LIBDIR/release.sh"

release_start sid
case $CHROOT_VERSION in
    3.[0-9].* | 3.10.*) fail "the sid root has Postfix $CHROOT_VERSION, older than 3.11" ;;
esac
filter=$(free_port)
both=$(free_port)
chroot_pfx_service "$filter" smtpd_milters= smtpd_reject_footer_maps= \
    "smtpd_reject_filter_maps=$(release_map filter)"
chroot_pfx_service "$both" smtpd_milters= \
    "smtpd_reject_filter_maps=$(release_map filter)"
chroot_pfx_start
release_check_footer
release_check_unknown

expected="550-5.1.1 <bob@test.example>: Recipient address rejected: User unknown in local recipient table
$RELEASE_G550
550 5.1.1 Carol has left; write to alice@test.example.
$RELEASE_REST"
expect_eq "$expected" "$(release_session "$filter")" "replies with the filter map"
# The text came through the filter, not a footer.
pfx_log_wait "$CPFX" 'reply filter out: 550 5\.1\.1 Carol has left' >/dev/null ||
    fail "Postfix logged no filtered reply"
expect_eq 6 "$(grep -c 'reply filter out: ' "$CPFX/maillog")" \
    "number of filtered replies"
# Filter and footer: the footer map recognises the filter's guidance and
# adds nothing, the rule's text after a "replace" rule (carol) included.
expect_eq "$expected" "$(release_session "$both")" \
    "replies with the filter and the footer map"
release_check_clean
