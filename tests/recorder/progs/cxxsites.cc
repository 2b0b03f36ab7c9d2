// SPDX-License-Identifier: GPL-2.0
// cxxsites: C++ new at known sites (HEAPMON_SAMPLE=0): frames[0] is in
// libstdc++'s operator new, frames[1] in the site.
#include <vector>

extern "C" {
#include "check.h"
}

struct obj {
	char data[700];
};

extern "C" __attribute__((noinline)) obj *site_new(void) { return new obj(); }
extern "C" __attribute__((noinline)) int *site_new_array(size_t n) { return new int[n]; }

int main(void)
{
	std::vector<obj *> objs;
	std::vector<int *> arrays;
	struct site s[] = { { "site_new" }, { "site_new_array" } };

	for (int i = 0; i < 40; i++)
		objs.push_back(site_new());
	for (int i = 0; i < 25; i++)
		arrays.push_back(site_new_array(1000));
	for (int i = 0; i < 10; i++)
		delete objs[i];
	s[0].count = 30, s[0].bytes = 30 * sizeof(obj);
	s[1].count = 25, s[1].bytes = 25 * 4000;
	check_exact(s, 2, 1, "c++ new");
	for (int i = 10; i < 40; i++)
		delete objs[i];
	for (int *a : arrays)
		delete[] a;
	s[0].count = s[0].bytes = s[1].count = s[1].bytes = 0;
	check_exact(s, 2, 1, "c++ delete");
	return fails ? 1 : 0;
}
