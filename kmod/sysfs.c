// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/heapmon: the module's state, one value per file.
 *
 *   version            module version
 *   protocol           generic netlink protocol version
 *   max_targets        limits, as set at load time
 *   max_target_pages
 *   max_total_pages
 *   flush_tlb          whether passes flush the TLB by default (0 or 1)
 *   max_flushes_per_sec  TLB flush rounds allowed a second (the parameter)
 *   flushes_per_sec    flush rounds in the last whole second
 *   flush_rounds       flush rounds since load; flush_cpus: CPUs they flushed
 *   flush_deferred     passes whose flush waited for the cap
 *   flush_stale_passes passes begun before their target's last flush was done
 *   probes             each kprobe: active, inactive (no watch yet) or unavailable
 *   target_count       processes watched
 *   targets/<pid>/     one directory per watched process (targets/ and each
 *                      directory in it 0500, every file 0400: root only):
 *     state            running or exited
 *     interval_ms      sampling period
 *     passes           passes done
 *     tracked_bytes    size of the tracked mappings
 *     resident_bytes   resident bytes in them
 *     idle             bytes by idle age, one "bucket bytes" line each, and
 *                      the swapped-out bytes that keep their records
 *     alloc_retries    times a pass dropped the target's mmap lock to allocate
 *     lock_yields      times a pass dropped it to let a waiting writer in
 */

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include <uapi/linux/heapmon.h>

#include "flush.h"
#include "heapmon.h"
#include "probes.h"
#include "sysfs.h"
#include "target.h"

static struct kobject *hm_kobj;
static struct kobject *hm_targets_kobj;

static ssize_t version_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", HEAPMON_VERSION);
}

static ssize_t protocol_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", HEAPMON_GENL_VERSION);
}

static ssize_t max_targets_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", hm_max_targets);
}

static ssize_t max_target_pages_show(struct kobject *kobj, struct kobj_attribute *attr,
				     char *buf)
{
	return sysfs_emit(buf, "%lu\n", hm_max_target_pages);
}

static ssize_t max_total_pages_show(struct kobject *kobj, struct kobj_attribute *attr,
				    char *buf)
{
	return sysfs_emit(buf, "%lu\n", hm_max_total_pages);
}

static ssize_t max_memory_mb_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", hm_max_memory_mb);
}

static ssize_t memory_bytes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%llu\n", hm_pages_memory_bytes());
}

static ssize_t flush_tlb_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", READ_ONCE(hm_flush_tlb));
}

#define HM_FLUSH_ATTR(name, field, fmt)						\
static ssize_t name##_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)	\
{										\
	struct hm_flush_stats fs;						\
										\
	hm_flush_read_stats(&fs);						\
	return sysfs_emit(buf, fmt "\n", fs.field);				\
}										\
static struct kobj_attribute name##_attr = __ATTR_RO(name)

HM_FLUSH_ATTR(max_flushes_per_sec, max_per_sec, "%u");
HM_FLUSH_ATTR(flushes_per_sec, per_sec, "%u");
HM_FLUSH_ATTR(flush_rounds, rounds, "%llu");
HM_FLUSH_ATTR(flush_cpus, cpu_flushes, "%llu");
HM_FLUSH_ATTR(flush_deferred, deferred, "%llu");
HM_FLUSH_ATTR(flush_stale_passes, stale_passes, "%llu");

static ssize_t probes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return hm_probes_show(buf);
}

static ssize_t target_count_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", hm_target_count());
}

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute flush_tlb_attr = __ATTR_RO(flush_tlb);
static struct kobj_attribute probes_attr = __ATTR_RO(probes);
static struct kobj_attribute target_count_attr = __ATTR_RO(target_count);
static struct kobj_attribute protocol_attr = __ATTR_RO(protocol);
static struct kobj_attribute max_targets_attr = __ATTR_RO(max_targets);
static struct kobj_attribute max_target_pages_attr = __ATTR_RO(max_target_pages);
static struct kobj_attribute max_total_pages_attr = __ATTR_RO(max_total_pages);
static struct kobj_attribute max_memory_mb_attr = __ATTR_RO(max_memory_mb);
static struct kobj_attribute memory_bytes_attr = __ATTR_RO(memory_bytes);

static struct attribute *hm_attrs[] = {
	&version_attr.attr,
	&protocol_attr.attr,
	&max_targets_attr.attr,
	&max_target_pages_attr.attr,
	&max_total_pages_attr.attr,
	&max_memory_mb_attr.attr,
	&memory_bytes_attr.attr,
	&flush_tlb_attr.attr,
	&max_flushes_per_sec_attr.attr,
	&flushes_per_sec_attr.attr,
	&flush_rounds_attr.attr,
	&flush_cpus_attr.attr,
	&flush_deferred_attr.attr,
	&flush_stale_passes_attr.attr,
	&probes_attr.attr,
	&target_count_attr.attr,
	NULL,
};

static const struct attribute_group hm_attr_group = {
	.attrs = hm_attrs,
};

/* targets/<pid>/ */

static struct hm_target *hm_kobj_target(struct kobject *kobj)
{
	return container_of(kobj, struct hm_target, kobj);
}

static ssize_t state_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%s\n", READ_ONCE(hm_kobj_target(kobj)->exited) ?
			  "exited" : "running");
}

static ssize_t interval_ms_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", hm_kobj_target(kobj)->interval_ms);
}

/* A copy of the last pass's statistics. */
static void hm_kobj_stats(struct kobject *kobj, struct hm_target_stats *st)
{
	hm_target_stats_get(hm_kobj_target(kobj), st);
}

static ssize_t passes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf, "%llu\n", st.passes);
}

static ssize_t tracked_bytes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf, "%llu\n", st.tracked_bytes);
}

static ssize_t resident_bytes_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf, "%llu\n", st.hist.resident);
}

static ssize_t idle_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf,
			  "touched %llu\nidle>=1 %llu\nidle>=10 %llu\nidle>=60 %llu\nidle>=600 %llu\nnever %llu\nswapped %llu\n",
			  st.hist.touched, st.hist.idle1, st.hist.idle10, st.hist.idle60,
			  st.hist.idle600, st.hist.never, st.hist.swapped);
}

static ssize_t alloc_retries_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf, "%llu\n", st.alloc_retries);
}

static ssize_t lock_yields_show(struct kobject *kobj, struct kobj_attribute *attr, char *buf)
{
	struct hm_target_stats st;

	hm_kobj_stats(kobj, &st);
	return sysfs_emit(buf, "%llu\n", st.lock_yields);
}

/* What a target does is its watcher's business: root only, like the netlink side. */
static struct kobj_attribute state_attr = __ATTR_RO_MODE(state, 0400);
static struct kobj_attribute interval_ms_attr = __ATTR_RO_MODE(interval_ms, 0400);
static struct kobj_attribute passes_attr = __ATTR_RO_MODE(passes, 0400);
static struct kobj_attribute tracked_bytes_attr = __ATTR_RO_MODE(tracked_bytes, 0400);
static struct kobj_attribute resident_bytes_attr = __ATTR_RO_MODE(resident_bytes, 0400);
static struct kobj_attribute idle_attr = __ATTR_RO_MODE(idle, 0400);
static struct kobj_attribute alloc_retries_attr = __ATTR_RO_MODE(alloc_retries, 0400);
static struct kobj_attribute lock_yields_attr = __ATTR_RO_MODE(lock_yields, 0400);

static struct attribute *hm_target_attrs[] = {
	&state_attr.attr,
	&interval_ms_attr.attr,
	&passes_attr.attr,
	&tracked_bytes_attr.attr,
	&resident_bytes_attr.attr,
	&idle_attr.attr,
	&alloc_retries_attr.attr,
	&lock_yields_attr.attr,
	NULL,
};

static const struct attribute_group hm_target_group = {
	.attrs = hm_target_attrs,
};

const struct attribute_group *hm_target_groups[] = {
	&hm_target_group,
	NULL,
};

struct kobject *hm_sysfs_targets_kobj(void)
{
	return hm_targets_kobj;
}

/*
 * Which processes are watched is root's business too: sysfs makes every
 * directory 0755, and a directory's name here is a watched PID. sysfs has no
 * call to change a directory's mode (kernfs_setattr() is not exported), but
 * sysfs_chmod_file() finds the node it changes by name, directory or file.
 */
static int hm_sysfs_dir_root_only(struct kobject *parent, const char *name)
{
	struct attribute dir = { .name = name };

	return sysfs_chmod_file(parent, &dir, 0500);
}

int hm_sysfs_target_added(struct kobject *kobj)
{
	return hm_sysfs_dir_root_only(hm_targets_kobj, kobject_name(kobj));
}

int hm_sysfs_init(void)
{
	int ret;

	hm_kobj = kobject_create_and_add("heapmon", kernel_kobj);
	if (!hm_kobj)
		return -ENOMEM;

	ret = sysfs_create_group(hm_kobj, &hm_attr_group);
	if (ret)
		goto err_put;

	hm_targets_kobj = kobject_create_and_add("targets", hm_kobj);
	if (!hm_targets_kobj) {
		ret = -ENOMEM;
		goto err_group;
	}
	/* Before any target is added: no one else ever lists it. */
	ret = hm_sysfs_dir_root_only(hm_kobj, kobject_name(hm_targets_kobj));
	if (ret)
		goto err_targets;
	return 0;

err_targets:
	kobject_put(hm_targets_kobj);
err_group:
	sysfs_remove_group(hm_kobj, &hm_attr_group);
err_put:
	kobject_put(hm_kobj);
	return ret;
}

void hm_sysfs_uninit(void)
{
	kobject_put(hm_targets_kobj);
	sysfs_remove_group(hm_kobj, &hm_attr_group);
	kobject_put(hm_kobj);
}
