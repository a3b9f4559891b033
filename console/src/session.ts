// The signed-in staff member: the token from POST /v1/auth/operator and what its payload says (user, roles).
import { computed, ref } from "vue";

export type Role = "admin" | "dispatcher" | "finance" | "support" | "marketing";
const KEY = "jiazheng.console.token";
const USER = "jiazheng.console.username";

interface Claims {
  sub?: string;
  roles?: Role[];
}

function decode(token: string): Claims {
  try {
    const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const json = decodeURIComponent(
      Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""),
    );
    return JSON.parse(json) as Claims;
  } catch {
    return {};
  }
}

export const token = ref<string | null>(sessionStorage.getItem(KEY));
const claims = computed<Claims>(() => (token.value ? decode(token.value) : {}));

// Expiry is the API's to judge (its clock is the business clock): a 401 signs out (api/client.ts).
export const signedIn = computed(() => token.value !== null);
// A token from before staff accounts carries no roles: it is the seeded admin's.
export const roles = computed<Role[]>(() => claims.value.roles ?? ["admin"]);
const who = ref<string>(sessionStorage.getItem(USER) ?? "");
export const username = computed(() => who.value || claims.value.sub || "admin");

/** Whether the signed-in staff member holds one of `wanted` (admin holds every role). */
export function can(...wanted: Role[]): boolean {
  return roles.value.some((role) => role === "admin" || wanted.includes(role));
}

export function signIn(newToken: string, name: string): void {
  sessionStorage.setItem(KEY, newToken);
  sessionStorage.setItem(USER, name);
  token.value = newToken;
  who.value = name;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  sessionStorage.removeItem(USER);
  token.value = null;
}
