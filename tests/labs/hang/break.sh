touch /tmp/breaking
sleep 10  # long enough for the tests to kill a start in the middle of its break step, even on a loaded machine
