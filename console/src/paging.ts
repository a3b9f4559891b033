// A paginated list ({"items", "next_cursor"}) on screen: the first page, then "加载更多" while there is more.
import { ref, type Ref } from "vue";

export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export function usePage<T>(fetch: (cursor: string | undefined) => Promise<Page<T>>) {
  const items = ref<T[]>([]) as Ref<T[]>;
  const loading = ref(false);
  const cursor = ref<string | null>(null);

  async function load(more = false): Promise<void> {
    loading.value = true;
    try {
      const page = await fetch(more ? (cursor.value ?? undefined) : undefined);
      items.value = more ? [...items.value, ...page.items] : page.items;
      cursor.value = page.next_cursor ?? null;
    } finally {
      loading.value = false;
    }
  }
  return { items, loading, cursor, load, more: () => load(true) };
}
