printf '%s\n' "$ANSWER" > /srv/answer
