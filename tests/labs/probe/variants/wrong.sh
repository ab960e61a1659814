echo 41 > /srv/answer
