/*
 * fuzz_config.c -- libFuzzer: any bytes as a config file (written to a
 * memfd, read through its /proc path, as config_load reads files).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char err[CONFIG_ERR_MAX], warn[CONFIG_WARN_MAX];
	char path[64];
	struct config *cf;
	int fd = memfd_create("fuzz.ini", 0);

	if (fd == -1 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	cf = config_load(path, err, sizeof(err), warn, sizeof(warn));
	config_free(cf);
	close(fd);
	return 0;
}
