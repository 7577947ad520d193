/*
 * module.c -- loads techpay's own shared objects; see module.h.
 *
 * The binary's directory comes from /proc/self/exe (the systemd unit's
 * ProcSubset=pid keeps it), not from argv[0] or PATH, so that a module is
 * found wherever the binary was started from, and only next to it.
 */
#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "module.h"

/* The binary's directory, or "" when /proc is not there. */
static void
exe_dir(char *out, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", out, n - 1);
	char *slash;

	if (len <= 0) {
		out[0] = '\0';
		return;
	}
	out[len] = '\0';
	if ((slash = strrchr(out, '/')) != NULL)
		*slash = '\0';
}

void *
module_sym(const char *name, const char *sym, char *err, size_t errlen)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	const char *where[2];
	void *h = NULL, *p;
	int i;

	exe_dir(dir, sizeof(dir));
	if (dir[0] == '\0') {
		snprintf(err, errlen, "%s: cannot find techpay-%s.so: "
		    "/proc/self/exe unreadable", name, name);
		return NULL;
	}
	where[0] = ".";
	where[1] = MODULE_DIR;
	for (i = 0; i < 2 && h == NULL; i++) {
		snprintf(path, sizeof(path), "%s/%s/techpay-%s.so", dir,
		    where[i], name);
		if (access(path, F_OK) == -1)
			continue;
		/* RTLD_NOW: a module built against another core fails
		 * here, with the missing symbol named, not mid-run */
		if ((h = dlopen(path, RTLD_NOW | RTLD_LOCAL)) == NULL) {
			snprintf(err, errlen, "%s: cannot load %s: %s", name,
			    path, dlerror());
			return NULL;
		}
	}
	if (h == NULL) {
		snprintf(err, errlen, "%s: techpay-%s.so is in neither %s nor "
		    "%s/%s (make builds it beside the binary, make install "
		    "puts it in lib/techpay)", name, name, dir, dir,
		    MODULE_DIR);
		return NULL;
	}
	if ((p = dlsym(h, sym)) == NULL)
		snprintf(err, errlen, "%s: %s: no %s in it", name, path, sym);
	return p;
}
