/* The process-level requests that are plain system calls: VmPin and VmLck
 * of a process, RLIMIT_MEMLOCK, and CAP_IPC_LOCK. (fork and exitChild change
 * who reads the protocol, so they live with the line loop.) */
#ifndef IOMMUFD_BRIDGE_PROCESS_H
#define IOMMUFD_BRIDGE_PROCESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct vm_status {
	bool has_pinned, has_locked;
	int64_t pinned_kb, locked_kb; /* VmPin, VmLck */
};

/* Reads /proc/<pid>/status; 0, or -1 with errno. A line the kernel does not
 * print is left out (has_* false). */
int read_vm_status(pid_t pid, struct vm_status *st);

/* setrlimit(RLIMIT_MEMLOCK) with soft and hard limit both `bytes` (~0 is RLIM_INFINITY). */
int set_memlock_limit(uint64_t bytes);

/* capset without cap (a CAP_* number) in the effective, permitted and inheritable sets: 0 or -1 with errno. */
int drop_cap(int cap);

#endif
