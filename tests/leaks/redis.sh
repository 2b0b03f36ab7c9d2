# SPDX-License-Identifier: GPL-2.0
#
# Sourced by tests/leaks/guest: Debian's redis-server (libjemalloc2) under
# `heapmonctl run`, on a unix socket. The truth:
# - cold: from the start to the end of the watch, every second, a batch of
#   REDIS_BATCH SETs of fresh random keys (key:N, N below 10^9) with 4000-byte
#   values, written once and never read. Their values are the bulk of it:
#   sds strings made while the SET's arguments are parsed, whose stack in
#   redis-server (its dynamic symbols: Debian strips the rest) is
#   zmalloc_usable <- _sdsnewlen <- createStringObject <- processMultibulkBuffer;
# - hot: 256 keys hot:%012d of 8 KiB, written at start with SETRANGE (stack
#   ... _sdsnewlen <- setrangeCommand) and read all the time (an MGET of
#   all of them twice, every second).
# Checked: the first suspect is the values' path, in redis-server, and its
# cold bytes are at least 80% of the bytes of the values written before
# now - 2 IDLE and at most 130% of those written before now - IDLE (the
# sampling error at 64 KiB is 4-6% here; a page written just before
# now - IDLE looks idle for less when the module's passes fall behind); the hot
# subset's path is seen and not a suspect, its reason hot. Printed: the
# rank, the suspects that are not on the SET path (false), the watching.
# 4000 bytes, not 1000: a sampled object's usable size is its run of pages,
# so redis trims (reallocs) a sampled value shorter than about 3.7 KiB, and
# the realloc drops the sample; see the README (redis under the recorder).
REDIS_SOCK=/tmp/redis.sock
REDIS_BATCH=${LEAKS_REDIS_BATCH:-1000}
REDIS_VALUE=4000
REDIS_HOT=256

rcli() { redis-cli -s $REDIS_SOCK "$@"; }

redis_start() {
	rm -f /tmp/redis.keys
	heapmonctl run --sample 65536 -i 200 -- redis-server --port 0 \
		--unixsocket $REDIS_SOCK --save '' --appendonly no > /tmp/run.redis.out 2>&1 &
	runners="$runners $!"
	i=0
	while ! rcli ping >/dev/null 2>&1 && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	rpid=$(rcli info server | sed -n 's/^process_id:\([0-9]*\).*/\1/p')
	if [ -z "$rpid" ]; then
		fail "redis: redis-server did not start: $(cat /tmp/run.redis.out)"
		redis=0
		return
	fi
	v=$(head -c 8192 /dev/zero | tr '\0' h)
	i=0
	while [ $i -lt $REDIS_HOT ]; do
		printf 'SETRANGE hot:%012d 0 %s\n' $i "$v"
		i=$((i + 1))
	done | rcli > /dev/null
}

# redis_load END: the writer and the reader, until redis_stop (the queries
# may run late on a loaded host: the hot keys must stay hot until then), at
# most until END (seconds since the epoch).
redis_load() {
	rm -f /tmp/redis.stop
	(
		while [ ! -e /tmp/redis.stop ] && [ "$(date +%s)" -lt $1 ]; do
			redis-benchmark -s $REDIS_SOCK -c 4 -q -n $REDIS_BATCH -P 16 \
				-r 1000000000 -d $REDIS_VALUE -t set > /dev/null 2>&1
			echo "$(date +%s) $(rcli dbsize)" >> /tmp/redis.keys
			sleep 1
		done
	) &
	runners="$runners $!"
	keys=$(i=0; while [ $i -lt $REDIS_HOT ]; do printf 'hot:%012d ' $i; i=$((i + 1)); done)
	(
		while [ ! -e /tmp/redis.stop ] && [ "$(date +%s)" -lt $1 ]; do
			redis-benchmark -s $REDIS_SOCK -c 1 -n 2 MGET $keys > /dev/null 2>&1
			sleep 1
		done
	) &
	runners="$runners $!"
}

# redis_query CHECKPOINT: leaks into /tmp/CHECKPOINT.redis.json, and the keys
# written before now - IDLE (the batches logged by then) into .cold.
redis_query() {
	now=$(date +%s)
	heapmonctl leaks $rpid --idle $IDLE --json --all > /tmp/$1.redis.json 2> /tmp/$1.redis.err ||
		fail "redis: heapmonctl leaks failed at $1: $(cat /tmp/$1.redis.err)"
	for ago in ${IDLE%s} $((2 * ${IDLE%s})); do
		awk -v t=$((now - ago)) -v hot=$REDIS_HOT '$1 <= t { n = $2 - hot }
			END { print n + 0 }' /tmp/redis.keys
	done > /tmp/$1.redis.cold
	echo $((now - start)) > /tmp/$1.redis.secs
}

redis_stop() {
	touch /tmp/redis.stop
	rcli info memory | sed -n 's/^\(used_memory\|used_memory_rss\):/# redis \1 /p'
	echo "# redis: $(rcli dbsize) keys; batches: $(wc -l < /tmp/redis.keys)"
	rcli shutdown nosave > /dev/null 2>&1
}

# redis_verdict JSON: "RANK SUSPECTS FALSE COLD MODULE": the rank of the
# first suspect on the values' path (createStringObject and
# processMultibulkBuffer among its first 5 frames), how many suspects, how
# many of them are not on the SET path at all (no setCommand,
# processMultibulkBuffer among their frames), that suspect's cold bytes and
# its innermost frame's module.
redis_verdict() {
	awk '/"suspect":true/ {
		n++; f = $0; sub(/.*"frames":\[/, "", f); path = 0; set = 0; mod = ""
		for (k = 0; match(f, /\{[^}]*\}/); k++) {
			fr = substr(f, RSTART, RLENGTH); f = substr(f, RSTART + RLENGTH)
			if (k == 0 && match(fr, /"module":"[^"]*"/))
				mod = substr(fr, RSTART + 10, RLENGTH - 11)
			if (k < 5 && fr ~ /"function":"(createStringObject|processMultibulkBuffer)"/)
				path++
			if (fr ~ /"function":"(setCommand|setGenericCommand|processMultibulkBuffer)"/)
				set = 1
		}
		if (path == 2 && !rank) {
			rank = n; c = $0; sub(/.*"cold_bytes":/, "", c); sub(/[^0-9].*/, "", c)
			cold = c; module = mod
		}
		if (!set) bad++
	} END { printf "%d %d %d %d %s\n", rank, n, bad, cold, module == "" ? "-" : module }' "$1"
}

redis_check() {
	set -- $(redis_verdict /tmp/half.redis.json)
	at_half="after $(cat /tmp/half.redis.secs) s: rank $1, $2 suspects, $3 false"
	set -- $(redis_verdict /tmp/full.redis.json)
	secs=$(cat /tmp/full.redis.secs)
	set -- $* $(cat /tmp/full.redis.cold)
	lo=$(($7 * REDIS_VALUE))
	hi=$(($6 * REDIS_VALUE))
	echo "# redis: suspects at the end (innermost frames):"
	grep '"suspect":true' /tmp/full.redis.json | head -n 5 |
		sed 's/"addr":"[^"]*","addr_int":[0-9]*,//g; s/.*"rank":\([0-9]*\).*"cold_bytes":\([0-9]*\).*"frames":\[/\1 \2 /' |
		sed 's/{"module":"\([^"]*\)","function":"\([^"]*\)"[^}]*}/\2/g' | cut -c 1-200 | sed 's/^/#   /'
	if [ "$1" = 1 ] && { [ "$5" = redis-server ] || [ "$5" = redis-check-rdb ]; }; then
		pass "redis: the values' path (createStringObject <- processMultibulkBuffer, in $5) ranks 1 of $2 suspects ($3 false) after $secs s; $at_half"
	else
		fail "redis: the values' path ranks $1 (0: not a suspect) of $2 suspects ($3 false), module $5, after $secs s; $at_half"
		head -n 4 /tmp/full.redis.json | cut -c 1-800 | sed 's/^/# /'
	fi
	if [ $lo -gt 0 ] && [ $(($4 * 10)) -ge $((lo * 8)) ] && [ $(($4 * 10)) -le $((hi * 13)) ]; then
		pass "redis: its cold bytes $4 against the values written over $((2 * ${IDLE%s})) s ago, $lo bytes ($7 keys: $(($4 * 100 / lo))%), and over $IDLE ago, $hi ($6 keys: $(($4 * 100 / hi))%)"
	else
		fail "redis: its cold bytes '$4' against the values written over $((2 * ${IDLE%s})) s ago, $lo bytes ($7 keys), and over $IDLE ago, $hi ($6 keys): want 80% of the first to 130% of the second"
	fi
	hot=$(grep '"function":"setrangeCommand"' /tmp/full.redis.json | head -n 1)
	reason=$(printf '%s\n' "$hot" | sed -n 's/.*"reason":"\([^"]*\)".*/\1/p')
	case $hot in
	*'"suspect":false'*) case $reason in
		hot*) pass "redis: the hot subset's path (setrangeCommand) is not a suspect: $reason" ;;
		*) fail "redis: the hot subset's path (setrangeCommand): '$reason', want 'hot: ...'" ;;
		esac ;;
	'') fail "redis: the hot subset's path (setrangeCommand) was not seen" ;;
	*) fail "redis: the hot subset's path (setrangeCommand) is a suspect" ;;
	esac
}
