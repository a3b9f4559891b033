import vue from "@vitejs/plugin-vue";
import { defineConfig } from "vite";

// Served at /admin/ on the API's own origin (the local stack; CloudFront when deployed), so API calls are
// same-origin paths (/v1/...). `npm run dev` proxies /v1 to a running `make run` stack.
export default defineConfig({
  base: "/admin/",
  plugins: [vue()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      output: {
        manualChunks: { echarts: ["echarts", "vue-echarts"], element: ["element-plus"] },
      },
    },
  },
  server: { proxy: { "/v1": process.env.API_URL ?? "http://127.0.0.1:8000" } },
});
