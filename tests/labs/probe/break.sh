echo 0 > /srv/answer
