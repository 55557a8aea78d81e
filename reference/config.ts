// The build options of the kernel the engine stands for, where they change
// what user space sees. A kernel without CONFIG_IOMMUFD_TEST has no
// IOMMU_TEST_CMD, and so a shorter ioctl table (see main.ts).
export interface KernelConfig {
  readonly iommufdTest: boolean;
}

/** A test kernel, like the ones the kernel backends boot. */
export const TEST_KERNEL: KernelConfig = Object.freeze({ iommufdTest: true });
