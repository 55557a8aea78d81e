// Failure injection in the manner of the kernel's fail_nth: every internal
// allocation point asks shouldFail(); when armed with n, the n-th one fails.
export class FailNth {
  private countdown = 0;
  /** Allocation points passed since the last arm(). */
  passed = 0;

  arm(n: number): void { this.countdown = n; this.passed = 0; }
  disarm(): void { this.countdown = 0; }

  shouldFail(): boolean {
    this.passed++;
    if (this.countdown === 0) return false;
    return --this.countdown === 0;
  }
}
