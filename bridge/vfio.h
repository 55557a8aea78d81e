/* What the scenarios of IOMMU_IOAS_NOIOMMU_GET_PA need of the machine: the
 * VFIO no-IOMMU device cdev, if there is one, and the physical address behind
 * a virtual address (/proc/self/pagemap) to compare the ioctl's answer with. */
#ifndef IOMMUFD_BRIDGE_VFIO_H
#define IOMMUFD_BRIDGE_VFIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first /dev/vfio/devices/noiommu-vfioN in name order into path (size n):
 * true if there is one. */
bool noiommu_device(char *path, size_t n);

/* The physical address of vaddr in this process: 0, or -1 with errno (ENOENT:
 * no page is present there; EPERM: the PFN is hidden without CAP_SYS_ADMIN). */
int phys_addr(uint64_t vaddr, uint64_t *phys);

#endif
