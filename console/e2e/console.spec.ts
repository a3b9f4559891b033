// The console in a real browser against the local stack: what an operator does on a working day.
// tests/e2e/test_console.py prepared the data and passes its ids: a pending applicant, an order waiting for its
// worker with a second verified worker to take it, and a withdrawal waiting for approval.
import { expect, test, type Page } from "@playwright/test";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this through tests/e2e/test_console.py`);
  return value;
};
const PASSWORD = env("OPERATOR_PASSWORD");
const shot = (page: Page, name: string) => page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });

async function logIn(page: Page, username: string): Promise<void> {
  await page.goto("/admin/");
  await expect(page).toHaveURL(/\/admin\/login/);
  await page.locator("input[name=username]").fill(username);
  await page.locator("input[name=password]").fill(PASSWORD);
  await page.getByRole("button", { name: "登录" }).click();
  await expect(page.getByTestId("whoami")).toContainText(username);
}

test("an admin logs in and sees the dashboard's charts", async ({ page }) => {
  await logIn(page, "admin");
  await expect(page).toHaveURL(/\/admin\/dashboard/);
  const orders = page.getByTestId("chart-orders");
  await expect(orders.locator("canvas")).toBeVisible();
  await expect(orders.getByText("暂无数据")).toHaveCount(0);
  await expect(page.getByTestId("chart-revenue").locator("canvas")).toBeVisible();
  await shot(page, "01-dashboard");
});

test("an admin verifies a pending worker, with the certificates shown", async ({ page }) => {
  await logIn(page, "admin");
  await page.getByTestId("menu").getByText("家政人员").click();
  await page.getByTestId("workers").getByText(env("PENDING_WORKER_NAME")).click();
  await expect(page.getByTestId("certificates")).toContainText(env("PENDING_CERTIFICATE"));
  await expect(page.getByTestId("certificates").locator("img")).toBeVisible(); // the uploaded scan
  await expect(page.getByTestId("credit-score")).toContainText("600 分"); // a new worker starts at 600
  await shot(page, "02-worker-application");
  await page.getByTestId("approve-worker").click();
  await expect(page.getByTestId("worker-status")).toHaveText("已认证");
});

test("an admin reassigns an order to another worker", async ({ page }) => {
  await logIn(page, "admin");
  await page.getByTestId("menu").getByText("订单调度").click();
  await page.getByPlaceholder("服务日期").fill(env("ORDER_DATE")); // 8 hours ahead: today's board, or tomorrow's
  await page.getByPlaceholder("服务日期").press("Enter");
  await page.getByRole("button", { name: "查询" }).click();
  await page.getByTestId("orders").getByText(env("ORDER_ID")).click();
  await expect(page.getByTestId("order-worker")).toContainText(env("ORDER_WORKER_NAME"));
  await page.getByTestId("worker-picker").click();
  await page.getByRole("option", { name: new RegExp(env("NEW_WORKER_ID")) }).click();
  await page.getByTestId("reassign").click();
  await expect(page.getByTestId("order-worker")).toContainText(env("NEW_WORKER_NAME"));
  await shot(page, "03-order-reassigned");
});

test("finance approves a withdrawal", async ({ page }) => {
  await logIn(page, "finance");
  await expect(page).toHaveURL(/\/admin\/orders/); // finance's first screen: the order board (read only)
  await page.getByTestId("menu").getByText("财务").click();
  const row = page.getByTestId("withdrawals").locator("tr", { hasText: env("WITHDRAWAL_WORKER_ID") });
  await shot(page, "04-finance");
  await row.getByTestId("approve-withdrawal").click();
  await page.getByRole("button", { name: "确定" }).click();
  await expect(page.getByText("已批准")).toBeVisible();
  await expect(page.getByTestId("withdrawals").locator("tr", { hasText: env("WITHDRAWAL_WORKER_ID") })).toHaveCount(0);
});

test("a dispatcher sees orders and workers but not finance", async ({ page }) => {
  await logIn(page, "dispatcher");
  const menu = page.getByTestId("menu");
  await expect(menu.getByText("订单调度")).toBeVisible();
  await expect(menu.getByText("家政人员")).toBeVisible();
  await expect(menu.getByText("财务")).toHaveCount(0);
  await expect(menu.getByText("员工与审计")).toHaveCount(0);
  await page.goto("/admin/finance"); // typed in by hand: not routed, back to an allowed screen
  await expect(page).toHaveURL(/\/admin\/orders/);
  await expect(page.getByTestId("finance-summary")).toHaveCount(0);
  await shot(page, "05-dispatcher-menu");
});
