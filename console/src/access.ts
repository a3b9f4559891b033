// Which roles see which screen, after the API's permission table (functions/identity/permissions.py, API.md
// "Operators"): dispatcher orders, workers, complaints; finance refunds, withdrawals, finance, exports; support
// complaints, customers, reviews (and reads orders); marketing coupons, rewards, statistics; admin everything,
// and alone the catalog, staff and audit. The API refuses the rest (403); the menu and the routes do not offer it,
// and a screen hides the buttons its viewer may not press (session.can).
import type { Role } from "./session";

export interface Screen {
  name: string;
  path: string;
  title: string;
  roles: Role[];
}

export const SCREENS: Screen[] = [
  { name: "dashboard", path: "dashboard", title: "数据看板", roles: ["admin", "marketing"] },
  { name: "orders", path: "orders", title: "订单调度", roles: ["admin", "dispatcher", "finance", "support"] },
  { name: "workers", path: "workers", title: "家政人员", roles: ["admin", "dispatcher"] },
  { name: "complaints", path: "complaints", title: "投诉与申诉", roles: ["admin", "dispatcher", "support"] },
  { name: "reviews", path: "reviews", title: "评价管理", roles: ["admin", "support"] },
  { name: "customers", path: "customers", title: "客户", roles: ["admin", "support"] },
  { name: "catalog", path: "catalog", title: "服务目录", roles: ["admin"] },
  { name: "marketing", path: "marketing", title: "优惠券与积分", roles: ["admin", "marketing"] },
  { name: "finance", path: "finance", title: "财务", roles: ["admin", "finance"] },
  { name: "staff", path: "staff", title: "员工与审计", roles: ["admin"] },
];

export function allowed(screen: Screen, mine: Role[]): boolean {
  return mine.includes("admin") || screen.roles.some((role) => mine.includes(role));
}

export function screensFor(mine: Role[]): Screen[] {
  return SCREENS.filter((screen) => allowed(screen, mine));
}
