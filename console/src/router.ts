// One route per screen; a screen outside the signed-in roles is not routed to (the first allowed one is).
import { createRouter, createWebHistory, type RouteRecordRaw, type RouteRecordSingleView } from "vue-router";
import { SCREENS, allowed, screensFor } from "./access";
import { roles, signedIn } from "./session";

const views: Record<string, RouteRecordSingleView["component"]> = {
  dashboard: () => import("./views/DashboardView.vue"),
  orders: () => import("./views/OrdersView.vue"),
  workers: () => import("./views/WorkersView.vue"),
  complaints: () => import("./views/ComplaintsView.vue"),
  reviews: () => import("./views/ReviewsView.vue"),
  customers: () => import("./views/CustomersView.vue"),
  catalog: () => import("./views/CatalogView.vue"),
  marketing: () => import("./views/MarketingView.vue"),
  finance: () => import("./views/FinanceView.vue"),
  staff: () => import("./views/StaffView.vue"),
};

const routes: RouteRecordRaw[] = [
  { path: "/login", name: "login", component: () => import("./views/LoginView.vue"), meta: { public: true } },
  ...SCREENS.map(
    (screen): RouteRecordSingleView => ({
      path: `/${screen.path}`,
      name: screen.name,
      component: views[screen.name],
      meta: { screen },
    }),
  ),
  { path: "/:rest(.*)*", name: "home", component: { render: () => null } },
];

export const router = createRouter({ history: createWebHistory("/admin/"), routes });

router.beforeEach((to) => {
  if (to.meta.public) return signedIn.value ? { name: "home" } : true;
  if (!signedIn.value) return { name: "login", query: { next: to.fullPath } };
  const screen = SCREENS.find((s) => s.name === to.name);
  if (screen && allowed(screen, roles.value)) return true;
  const first = screensFor(roles.value)[0];
  return first ? { name: first.name } : to.name === "home" ? true : { name: "home" };
});
