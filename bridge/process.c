/* VmPin/VmLck, RLIMIT_MEMLOCK and CAP_IPC_LOCK of the bridge's process, with
 * the raw system calls (no libcap: the bridge needs only libc). */
#define _GNU_SOURCE
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The value of "\n<name>:  <n> kB" in text, in kB; false if absent. */
static bool status_kb(const char *text, const char *name, int64_t *kb)
{
	char key[16];
	const char *p;
	char *end;
	long long v;

	snprintf(key, sizeof key, "\n%s:", name);
	p = strstr(text, key);
	if (!p)
		return false;
	errno = 0;
	v = strtoll(p + strlen(key), &end, 10);
	if (errno || v < 0 || end == p + strlen(key))
		return false;
	*kb = v;
	return true;
}

int read_vm_status(pid_t pid, struct vm_status *st)
{
	static char text[65536];
	char path[64];
	size_t n = 0;
	int fd, e;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	text[n++] = '\n'; /* so that the first line matches "\nName:" too */
	for (;;) {
		ssize_t k = read(fd, text + n, sizeof text - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (k == 0 || (n += (size_t)k) == sizeof text - 1)
			break;
	}
	close(fd);
	text[n] = '\0';
	*st = (struct vm_status){ 0 };
	st->has_pinned = status_kb(text, "VmPin", &st->pinned_kb);
	st->has_locked = status_kb(text, "VmLck", &st->locked_kb);
	return 0;
}

int set_memlock_limit(uint64_t bytes)
{
	struct rlimit rl = { (rlim_t)bytes, (rlim_t)bytes };

	return setrlimit(RLIMIT_MEMLOCK, &rl);
}

int drop_cap(int cap)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
	uint32_t keep = ~(uint32_t)CAP_TO_MASK(cap);
	struct __user_cap_data_struct *w = &d[CAP_TO_INDEX(cap)];

	if (syscall(SYS_capget, &h, d) != 0)
		return -1;
	w->effective &= keep;
	w->permitted &= keep;
	w->inheritable &= keep;
	return (int)syscall(SYS_capset, &h, d);
}
