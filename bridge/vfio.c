/* The no-IOMMU device cdev and /proc/self/pagemap (see vfio.h). */
#include "vfio.h"
#include "memory.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEVICES "/dev/vfio/devices"
#define PREFIX "noiommu-vfio"

bool noiommu_device(char *path, size_t n)
{
	DIR *d = opendir(DEVICES);
	struct dirent *e;
	char best[256] = "";

	if (!d)
		return false;
	while ((e = readdir(d)))
		if (strncmp(e->d_name, PREFIX, strlen(PREFIX)) == 0 && strlen(e->d_name) < sizeof best &&
		    (!best[0] || strcmp(e->d_name, best) < 0))
			strcpy(best, e->d_name);
	closedir(d);
	if (!best[0])
		return false;
	return (size_t)snprintf(path, n, "%s/%s", DEVICES, best) < n;
}

/* A pagemap entry: bit 63 present, bits 0-54 the page frame number. */
#define PM_PRESENT (1ULL << 63)
#define PM_PFN_MASK ((1ULL << 55) - 1)

int phys_addr(uint64_t vaddr, uint64_t *phys)
{
	uint64_t entry = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (fd < 0)
		return -1;
	k = pread(fd, &entry, sizeof entry, (off_t)(vaddr / page_size * sizeof entry));
	close(fd);
	if (k < 0)
		return -1;
	if (k != (ssize_t)sizeof entry || !(entry & PM_PRESENT)) {
		errno = ENOENT;
		return -1;
	}
	if (!(entry & PM_PFN_MASK)) {
		errno = EPERM;
		return -1;
	}
	*phys = (entry & PM_PFN_MASK) * page_size + vaddr % page_size;
	return 0;
}
