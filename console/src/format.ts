// How money, times and status words read in the console.
export const yuan = (fen: number | null | undefined): string =>
  fen === null || fen === undefined ? "—" : `¥${(fen / 100).toFixed(2)}`;

export const fen = (yuanValue: number): number => Math.round(yuanValue * 100);

export const time = (iso: string | null | undefined): string =>
  iso ? new Date(iso).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai", hour12: false }) : "—";

export const ORDER_STATUS: Record<string, string> = {
  pending_payment: "待支付",
  pending_acceptance: "待接单",
  accepted: "已接单",
  in_service: "服务中",
  completed: "已完成",
  cancelled: "已取消",
};

export const WORKER_STATUS: Record<string, string> = {
  pending: "待审核",
  verified: "已认证",
  rejected: "已驳回",
  suspended: "已停用",
};

export const ACTOR: Record<string, string> = {
  customer: "客户",
  worker: "家政人员",
  operator: "运营",
  system: "系统",
};

export const ROLE_NAMES: Record<string, string> = {
  admin: "管理员",
  dispatcher: "调度",
  finance: "财务",
  support: "客服",
  marketing: "市场",
};

/** Today and `days` before it, as YYYY-MM-DD in the business time zone. */
export function lastDays(days: number): [string, string] {
  const day = (d: Date) => d.toLocaleDateString("sv-SE", { timeZone: "Asia/Shanghai" });
  const now = new Date();
  return [day(new Date(now.getTime() - (days - 1) * 86400000)), day(now)];
}

export const TIERS: Record<string, string> = {
  regular: "普通",
  silver: "白银",
  gold: "黄金",
  diamond: "钻石",
};
