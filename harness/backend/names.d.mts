// Types of names.mjs.
export declare class BackendStartError extends Error {}
export declare const KERNELS: readonly ['7.3', '6.12'];
export declare const BACKENDS: readonly string[];
export declare const REFERENCE_WITHOUT: Readonly<Record<string, string>>;
export declare function referenceWithout(name: string): string[] | undefined;
export declare function checkBackendName(name: string): void;
export declare function backendProblem(args: readonly string[]): string | undefined;
