// The signed-in staff member: the token from POST /v1/auth/operator and what its payload says (user, roles).
import { computed, ref } from "vue";

export type Role = "admin" | "dispatcher" | "finance" | "support" | "marketing";
const KEY = "jiazheng.console.token";

interface Claims {
  sub?: string;
  username?: string;
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
export const username = computed(() => claims.value.username ?? claims.value.sub ?? "admin");

export function signIn(newToken: string): void {
  sessionStorage.setItem(KEY, newToken);
  token.value = newToken;
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
  token.value = null;
}
