set -eu
for q in $(rabbitmqctl -q list_queues -p altcraft name --no-table-headers); do
    rabbitmqctl -q purge_queue -p altcraft "$q"
done
