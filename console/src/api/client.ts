// The one way the console talks to the backend: the public API, typed by the generated schema.ts
// (openapi-typescript from /v1/openapi.json), with the staff member's token. A 401 signs out.
import createClient, { type Middleware } from "openapi-fetch";
import { ElMessage } from "element-plus";
import type { paths } from "./schema";
import { signOut, token } from "../session";

const auth: Middleware = {
  onRequest({ request }) {
    if (token.value) request.headers.set("Authorization", `Bearer ${token.value}`);
    return request;
  },
  onResponse({ response }) {
    if (response.status === 401 && token.value) {
      signOut();
      ElMessage.warning("登录已失效，请重新登录");
    }
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: window.location.origin });
api.use(auth);

interface ErrorBody {
  error?: { code?: string; message?: string };
}

/** The answer's data, or an error message shown to the person (and thrown, so the caller stops). */
export async function must<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (error !== undefined || data === undefined) {
    const body = error as ErrorBody | undefined;
    const message = body?.error?.message ?? `请求失败（${response.status}）`;
    ElMessage.error(response.status === 403 ? `无权限：${message}` : message);
    throw new Error(message);
  }
  return data;
}

/** A CSV export (GET /v1/admin/exports/{name}) downloaded with the token. */
export async function download(name: string, from: string, to: string): Promise<void> {
  const url = `/v1/admin/exports/${encodeURIComponent(name)}?from=${from}&to=${to}`;
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token.value}` } });
  if (!response.ok) {
    ElMessage.error(`导出失败（${response.status}）`);
    return;
  }
  const link = document.createElement("a");
  link.href = URL.createObjectURL(await response.blob());
  link.download = `${name}-${from}-${to}.csv`;
  link.click();
  URL.revokeObjectURL(link.href);
}
