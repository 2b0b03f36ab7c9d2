# SPDX-License-Identifier: GPL-2.0
# Runs inside the demo VM.
echo "\$ heapmonctl status"
heapmonctl status
echo
echo "\$ ls /sys/kernel/heapmon"
ls /sys/kernel/heapmon
