// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/heapmon: the module's state, one value per file.
 *
 *   version            module version
 *   protocol           generic netlink protocol version
 *   max_targets        limits, as set at load time
 *   max_target_pages
 *   max_total_pages
 *   targets/           one directory per watched process
 */

#include <linux/kobject.h>
#include <linux/sysfs.h>

#include <uapi/linux/heapmon.h>

#include "heapmon.h"
#include "sysfs.h"

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

static struct kobj_attribute version_attr = __ATTR_RO(version);
static struct kobj_attribute protocol_attr = __ATTR_RO(protocol);
static struct kobj_attribute max_targets_attr = __ATTR_RO(max_targets);
static struct kobj_attribute max_target_pages_attr = __ATTR_RO(max_target_pages);
static struct kobj_attribute max_total_pages_attr = __ATTR_RO(max_total_pages);

static struct attribute *hm_attrs[] = {
	&version_attr.attr,
	&protocol_attr.attr,
	&max_targets_attr.attr,
	&max_target_pages_attr.attr,
	&max_total_pages_attr.attr,
	NULL,
};

static const struct attribute_group hm_attr_group = {
	.attrs = hm_attrs,
};

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
	return 0;

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
