import { defineConfig } from "@playwright/test";

// Run by tests/e2e/test_console.py against a local stack it starts and fills (CONSOLE_URL and the ids it made);
// Debian's chromium, installed by `make test` (tools/chromium.sh). Screenshots go to test-results/ (git-ignored).
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/output",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: process.env.CONSOLE_URL,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    viewport: { width: 1440, height: 900 },
    screenshot: "only-on-failure",
    launchOptions: { executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox"] },
  },
});
