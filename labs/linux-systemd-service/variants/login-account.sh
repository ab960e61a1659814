#!/bin/bash
# Near-miss, first half: the account made with a plain `useradd -m` (uid 1000 and up, a login shell);
# the reference solution then keeps that account.
set -euo pipefail
useradd --create-home --shell /bin/bash "$CACHE_USER"
