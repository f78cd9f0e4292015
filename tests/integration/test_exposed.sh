#!/usr/bin/env bash
# The 2025 leak replayed on Debian's ClickHouse 18.16: the open server is found on both interfaces
# with the exact log_stream row count, its chat and secrets classes, critical severity and redacted
# secrets (the assertions are ch_assertions.sh's, shared with test_ch_modern.sh for 26.x).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ch_assertions.sh"

exposed_checks "$LAB_EXPOSED" 8123,9000 18.16.1 2 3
finish
