rm -f /srv/answer
