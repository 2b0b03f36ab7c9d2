# SPDX-License-Identifier: GPL-2.0
# A process with a secondary MMU, as QEMU is one: kvmvm creates a KVM virtual
# machine (MMU notifiers on its address space; the guest's emulated CPU has
# AMD-V, so kvm-amd loads). STATS says so (secondary_mmu), `stats` and
# `leaks` warn, and the same process without a virtual machine is not
# flagged. The kernel keeps an address space's notifier list until the
# address space goes, so the flag stays once the virtual machine is closed.
if [ ! -e /dev/kvm ] && [ -f /lib/heapmon/kvm/order ]; then
	for m in $(cat /lib/heapmon/kvm/order); do
		insmod /lib/heapmon/kvm/$m.ko 2>/dev/null
	done
fi
[ -e /dev/kvm ] || fail "no /dev/kvm: kvm-amd or kvm-intel did not load ($(cat /lib/heapmon/kvm/order 2>/dev/null | tr '\n' ' '))"
kvmvm > /tmp/kvm.out 2>&1 &
vm=$!
kvmvm -n > /tmp/kvmn.out 2>&1 &
novm=$!
wait_for_line /tmp/kvm.out '^kvmvm: (ready|.*:)'
wait_for_line /tmp/kvmn.out '^kvmvm: ready'
expect_eq "kvmvm created a virtual machine" "$(cat /tmp/kvm.out)" "kvmvm: ready"
run heapmonctl watch $vm -i 50 -d 500ms --keep
expect_match "watch warns in its frames" "$OUT" "^warning: something mirrors \(or mirrored\) this process's page tables"
heapmonctl watch $novm -i 50 --detach > /dev/null
wait_passes $vm 2
wait_passes $novm 2
expect_match "STATS: a KVM process has a secondary MMU" "$(heapmonctl stats $vm --json)" \
	'"secondary_mmu":true[,}]'
expect_match "STATS: the same process without a virtual machine has none" \
	"$(heapmonctl stats $novm --json)" '"secondary_mmu":false[,}]'
expect_match "stats warns" "$(heapmonctl stats $vm)" \
	"secondary MMU: yes: something mirrors \(or mirrored\) this process's page tables \(KVM, VFIO, RDMA or a GPU: MMU notifiers\)"
expect_eq "stats does not warn without one" \
	"$(heapmonctl stats $novm | grep -c 'secondary MMU')" 0
run heapmonctl leaks $vm
expect_match "leaks warns" "$OUT" "^heapmonctl: leaks $vm: warning: something mirrors \(or mirrored\) this process's page tables"
run heapmonctl leaks $novm
expect_eq "leaks does not warn without one" "$(printf '%s\n' "$OUT" | grep -c 'warning: something mirrors')" 0
kill -USR1 $vm
wait_for_line /tmp/kvm.out '^kvmvm: closed'
expect_match "the flag stays after the virtual machine is closed" "$(heapmonctl stats $vm --json)" \
	'"secondary_mmu":true[,}]'
heapmonctl unwatch $vm > /dev/null
heapmonctl unwatch $novm > /dev/null
kill $vm $novm
wait $vm $novm 2>/dev/null
