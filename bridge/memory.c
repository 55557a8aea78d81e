/* The memory the harness mapped, and reads and writes of the bridge's own
 * address space on the harness's behalf. */
#define _GNU_SOURCE
#include "memory.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

/* Page ranges made by the harness's mmap, sorted and disjoint: reset unmaps
 * them, and munmap/mprotect/memWrite may touch only them and unmapped holes,
 * never the bridge's own memory. */
struct range {
	uintptr_t lo, hi;
};

static struct {
	struct range *v;
	size_t n;
} maps;

size_t page_size = 4096;

/* /proc/self/mem, or -1 (then process_vm_readv/writev). */
static int proc_mem = -1;

void memory_setup(size_t page, int proc_mem_fd)
{
	page_size = page;
	proc_mem = proc_mem_fd;
}

static uintptr_t page_down(uint64_t a)
{
	return (uintptr_t)a & ~(uintptr_t)(page_size - 1);
}

/* [addr, addr+len) widened to whole pages; false if that wraps around. */
bool page_span(uint64_t addr, uint64_t len, uintptr_t *lo, uintptr_t *hi)
{
	uint64_t end;

	if (len == 0 || addr > UINT64_MAX - len)
		return false;
	end = addr + len;
	if (end > UINT64_MAX - (page_size - 1))
		return false;
	*lo = page_down(addr);
	*hi = page_down(end + page_size - 1);
	return true;
}

bool maps_del(uintptr_t lo, uintptr_t hi)
{
	/* One range may split in two, so the result has at most n + 1. */
	struct range *v = malloc((maps.n + 1) * sizeof *v);
	size_t n = 0;

	if (!v)
		return false;
	for (size_t i = 0; i < maps.n; i++) {
		struct range r = maps.v[i];
		if (r.hi <= lo || r.lo >= hi) {
			v[n++] = r;
			continue;
		}
		if (r.lo < lo)
			v[n++] = (struct range){ r.lo, lo };
		if (hi < r.hi)
			v[n++] = (struct range){ hi, r.hi };
	}
	free(maps.v);
	maps.v = v;
	maps.n = n;
	return true;
}

bool maps_add(uintptr_t lo, uintptr_t hi)
{
	struct range *v;
	size_t i = 0;

	if (!maps_del(lo, hi))
		return false;
	v = realloc(maps.v, (maps.n + 1) * sizeof *v);
	if (!v)
		return false;
	maps.v = v;
	while (i < maps.n && maps.v[i].lo < lo)
		i++;
	memmove(&maps.v[i + 1], &maps.v[i], (maps.n - i) * sizeof *v);
	maps.v[i] = (struct range){ lo, hi };
	maps.n++;
	return true;
}

/* Nothing is mapped in [lo, hi): a placeholder mapping that refuses to
 * replace anything fits there (and is removed at once). */
static bool hole_is_free(uintptr_t lo, uintptr_t hi)
{
	void *p = mmap((void *)lo, hi - lo, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED_NOREPLACE, -1, 0);

	if (p == MAP_FAILED)
		return false;
	munmap(p, hi - lo);
	/* A kernel without MAP_FIXED_NOREPLACE takes the address as a hint. */
	return p == (void *)lo;
}

/* [lo, hi) holds only memory of the harness and holes. */
bool harness_may_touch(uintptr_t lo, uintptr_t hi)
{
	uintptr_t cur = lo;

	for (size_t i = 0; i < maps.n && cur < hi; i++) {
		struct range r = maps.v[i];
		if (r.hi <= cur || r.lo >= hi)
			continue;
		if (r.lo > cur && !hole_is_free(cur, r.lo))
			return false;
		cur = r.hi;
	}
	return cur >= hi || hole_is_free(cur, hi);
}

void unmap_harness_memory(void)
{
	for (size_t i = 0; i < maps.n; i++)
		munmap((void *)maps.v[i].lo, maps.v[i].hi - maps.v[i].lo);
	free(maps.v);
	maps.v = NULL;
	maps.n = 0;
}

/* Reads or writes the process's own memory as a debugger would, through
 * /proc/self/mem (which ignores protection where the kernel allows it);
 * false unless all of it moved. */
static bool mem_io(bool write, char *buf, size_t len, uint64_t addr)
{
	size_t done = 0;

	while (done < len) {
		ssize_t k;
		if (addr > UINT64_MAX - done)
			return false;
		uint64_t a = addr + done;
		if (proc_mem >= 0) {
			if (a > INT64_MAX)
				return false; /* beyond what an offset can name: kernel space */
			k = write ? pwrite(proc_mem, buf + done, len - done, (off_t)a)
				  : pread(proc_mem, buf + done, len - done, (off_t)a);
		} else {
			struct iovec l = { buf + done, len - done }, r = { (void *)(uintptr_t)a, len - done };
			k = write ? process_vm_writev(getpid(), &l, 1, &r, 1, 0)
				  : process_vm_readv(getpid(), &l, 1, &r, 1, 0);
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		done += (size_t)k;
	}
	return true;
}

/* The whole of [lo, hi) is memory the harness mapped. */
static bool harness_owns(uintptr_t lo, uintptr_t hi)
{
	uintptr_t cur = lo;

	for (size_t i = 0; i < maps.n && cur < hi; i++) {
		if (maps.v[i].hi <= cur)
			continue;
		if (maps.v[i].lo > cur)
			return false;
		cur = maps.v[i].hi;
	}
	return cur >= hi;
}

struct vma {
	uintptr_t lo, hi;
	int prot;
};

/* The whole of a /proc file (NUL-terminated), or NULL. */
static char *slurp(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0, cap = 65536;
	char *p = fd >= 0 ? malloc(cap) : NULL;

	while (p) {
		ssize_t k = read(fd, p + n, cap - n - 1);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			free(p);
			p = NULL;
		} else if (k == 0) {
			p[n] = '\0';
			break;
		} else if ((n += (size_t)k) == cap - 1) {
			char *q = realloc(p, cap *= 2);
			if (!q)
				free(p);
			p = q;
		}
	}
	if (fd >= 0)
		close(fd);
	return p;
}

/* The mappings overlapping [lo, hi), clipped to it, with their protection,
 * from /proc/self/maps; their number, or -1. */
static ssize_t vmas_in(uintptr_t lo, uintptr_t hi, struct vma **out)
{
	char *text = slurp("/proc/self/maps"), *line = text;
	struct vma *v = NULL;
	size_t n = 0;

	if (!text)
		return -1;
	while (*line) {
		char *end, *nl = strchr(line, '\n');
		unsigned long long a, b;
		if (nl)
			*nl = '\0';
		a = strtoull(line, &end, 16);
		if (*end == '-') {
			b = strtoull(end + 1, &end, 16);
			if (*end == ' ' && strlen(end) >= 4 && a < hi && b > lo) {
				struct vma *w = realloc(v, (n + 1) * sizeof *v);
				if (!w) {
					free(v);
					free(text);
					return -1;
				}
				v = w;
				v[n++] = (struct vma){ a < lo ? lo : (uintptr_t)a, b > hi ? hi : (uintptr_t)b,
						       (end[1] == 'r' ? PROT_READ : 0) | (end[2] == 'w' ? PROT_WRITE : 0) |
							       (end[3] == 'x' ? PROT_EXEC : 0) };
			}
		}
		line = nl ? nl + 1 : line + strlen(line);
	}
	free(text);
	*out = v;
	return (ssize_t)n;
}

/* mem_io for the harness's own memory even where its protection forbids the
 * access and the kernel will not override it (proc_mem.force_override=ptrace
 * or never): the protection is raised for the copy and put back. */
bool mem_io_forced(bool write, char *buf, size_t len, uint64_t addr)
{
	uintptr_t lo, hi;
	struct vma *v = NULL;
	ssize_t n;
	bool ok;

	if (mem_io(write, buf, len, addr))
		return true;
	if (!page_span(addr, len, &lo, &hi) || !harness_owns(lo, hi) || (n = vmas_in(lo, hi, &v)) < 0)
		return false;
	for (ssize_t i = 0; i < n; i++)
		mprotect((void *)v[i].lo, v[i].hi - v[i].lo, v[i].prot | PROT_READ | (write ? PROT_WRITE : 0));
	ok = mem_io(write, buf, len, addr);
	for (ssize_t i = 0; i < n; i++)
		mprotect((void *)v[i].lo, v[i].hi - v[i].lo, v[i].prot);
	free(v);
	return ok;
}
