/* The memory the harness mapped (tracked so that reset can unmap it and so
 * that nothing the harness asks for touches the bridge's own memory), and
 * debugger-style access to the bridge's address space. */
#ifndef IOMMUFD_BRIDGE_MEMORY_H
#define IOMMUFD_BRIDGE_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

extern size_t page_size;

/* proc_mem_fd: an open /proc/self/mem, or -1. */
void memory_setup(size_t page, int proc_mem_fd);

/* [addr, addr+len) widened to whole pages; false if empty or if it wraps. */
bool page_span(uint64_t addr, uint64_t len, uintptr_t *lo, uintptr_t *hi);

/* The harness mapped [lo, hi) / unmapped it (page-aligned); false when out of memory. */
bool maps_add(uintptr_t lo, uintptr_t hi);
bool maps_del(uintptr_t lo, uintptr_t hi);

/* [lo, hi) holds only memory of the harness and unmapped holes. */
bool harness_may_touch(uintptr_t lo, uintptr_t hi);

void unmap_harness_memory(void);

/* Copies len bytes to or from addr regardless of protection; false (EFAULT)
 * unless all of them moved. */
bool mem_io_forced(bool write, char *buf, size_t len, uint64_t addr);

#endif
