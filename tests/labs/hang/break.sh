touch /tmp/breaking
sleep 3  # long enough for the tests to kill a start in the middle of its break step
