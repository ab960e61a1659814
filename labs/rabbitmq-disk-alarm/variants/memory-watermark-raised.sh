set -eu
# The disk limit is fixed, and "to be safe" the memory watermark is raised to 0.9 in the same file.
f=$(grep -l '^ *disk_free_limit' /etc/rabbitmq/conf.d/*.conf)
sed -i "s/^ *vm_memory_high_watermark\..*/vm_memory_high_watermark.relative = 0.9/" $f
grep -q "^vm_memory_high_watermark.relative = 0.9" $f
