# SPDX-License-Identifier: GPL-2.0
# Strict validation: what the contract does not allow is refused, not ignored.
run genlsend 1
expect_eq "raw STATUS request is accepted" "$OUT" "ok"
run genlsend 99
expect_eq "unknown command" "$OUT" "error EOPNOTSUPP"
run genlsend 0
expect_eq "command 0 (UNSPEC)" "$OUT" "error EOPNOTSUPP"
run genlsend 1 99:u32:7
expect_eq "attribute beyond the family's range" "$OUT" "error EINVAL: Unknown attribute type"
run genlsend 1 1:str:0.1.0
expect_eq "attribute STATUS does not take" "$OUT" "error EINVAL: Unsupported attribute"
run genlsend 1 2:badlen:64
expect_match "attribute longer than the message" "$OUT" '^error EINVAL'
run genlsend 1 0:u32:1
expect_match "attribute type 0" "$OUT" '^error EINVAL'
run genlsend -d 1
expect_eq "STATUS has no dump" "$OUT" "error EOPNOTSUPP"

# A client built for the previous protocol version (1: idle counts were
# plain periods) is told so plainly.
run heapmonctl-proto1 status
expect_eq "protocol mismatch exit status" "$RC" 3
expect_eq "protocol mismatch message" "$OUT" \
	"heapmonctl: version mismatch: this heapmonctl speaks protocol 1, the loaded heapmon module speaks protocol 2; use the heapmonctl built with that module."
