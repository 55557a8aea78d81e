// A scenario a backend cannot run (not applicable, or not run here) is
// skipped, never failed: cucumber-support.ts turns BackendSkipped into cucumber's
// 'skipped' and attaches the reason under this media type, which
// conformance.ts reads back to tell not-applicable from skipped.
export const SKIP_MEDIA_TYPE = 'text/x.iommufd-conformance.skip-reason';
