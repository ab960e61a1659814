set -eu
# Near-miss: every normal client killed (the issuing one is skipped): the workers go too.
redis-cli -p 6666 CLIENT KILL TYPE normal
