// The build options of the kernel the engine stands for, where they change
// what user space sees. A kernel without CONFIG_IOMMUFD_TEST has no
// IOMMU_TEST_CMD, and so a shorter ioctl table (see main.ts); one without
// CONFIG_IOMMUFD_NOIOMMU keeps IOMMU_IOAS_NOIOMMU_GET_PA in its table but
// answers it with a stub, and has no no-IOMMU VFIO device cdev.
export interface KernelConfig {
  readonly iommufdTest: boolean;
  readonly iommufdNoiommu: boolean;
}

/** A test kernel, like the ones the kernel backends boot. */
export const TEST_KERNEL: KernelConfig = Object.freeze({ iommufdTest: true, iommufdNoiommu: true });

/** The options by their Kconfig names (as an ioctl's `requires` in spec/ names them). */
const OPTIONS: Record<string, keyof KernelConfig> = { IOMMUFD_TEST: 'iommufdTest', IOMMUFD_NOIOMMU: 'iommufdNoiommu' };

/** Whether the kernel has the option (one the engine does not know of is taken as built in). */
export function hasOption(config: KernelConfig, option: string): boolean {
  const key = OPTIONS[option];
  return !key || config[key];
}

/** A test kernel built without these options (Kconfig names); undefined if one is not an option the engine knows. */
export function testKernelWithout(options: readonly string[]): KernelConfig | undefined {
  const c: Record<string, boolean> = { ...TEST_KERNEL };
  for (const o of options) {
    const key = OPTIONS[o];
    if (!key) return undefined;
    c[key] = false;
  }
  return Object.freeze(c as unknown as KernelConfig);
}
