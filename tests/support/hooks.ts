import { mocks, setMode } from "./harness";

// Mocha loads every spec before running any, so mocks are installed once here rather than per
// spec file (a second top-level setMocks would silently win for all of them).
export const mochaHooks = {
  async beforeAll(): Promise<void> {
    await setMode("update");
  },
  beforeEach(): void {
    mocks.reset();
  },
};
