import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { precompress } from './scripts/build/precompress.js';
import { prerenderShell } from './scripts/build/prerender-shell.js';

// The PWA build. The service worker precaches the app shell so that after one online visit
// the app opens, surveys, saves and searches offline. `registerType: 'prompt'` means an
// update is offered to the volunteer, never forced while a form is open.
export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/*.png', 'favicon.svg'],
      manifest: {
        id: '/',
        name: 'Gõ Cửa — Khảo sát kỹ năng số hộ gia đình',
        short_name: 'Gõ Cửa',
        description:
          'Ứng dụng khảo sát kỹ năng số và thiết bị công nghệ của hộ gia đình, dùng được khi không có mạng, cho Tổ công nghệ số cộng đồng.',
        lang: 'vi',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'portrait',
        background_color: '#ffffff',
        theme_color: '#b91c1c',
        icons: [
          { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: '/icons/icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,svg,png,woff2}'],
        navigateFallback: '/index.html',
        navigateFallbackDenylist: [/^\/api\//],
        cleanupOutdatedCaches: true,
        // The first service worker takes control of the page that installed it, so the app
        // works offline right after the first online visit without a reload. Updates still wait
        // for the volunteer (no skipWaiting): registerType 'prompt'.
        clientsClaim: true,
      },
    }),
    // Home painted from the HTML before any script (and its inline script's CSP hash).
    prerenderShell(),
    // The files a first visit runs before its first question (the entry, React and i18next in
    // `start`, the survey screen), and `store` (Dexie and the schema), which a warm start runs
    // before Home's counts, start with V8's explicit compile hint: their functions are
    // compiled while the file streams in, on a background thread, instead of one by one on the
    // main thread when first called (Chrome 136+; other browsers read a comment). On a cold start
    // at 4× CPU the main thread's compiling fell from about 200 to 60 ms (trace, v8.compile); with
    // `store` hinted too, a warm start at 4× went from 508 to 435 ms (median of 11, interleaved).
    // After Vite has written its preload map at the top of the chunk: the hint must come first.
    {
      name: 'go-cua:compile-hints',
      apply: 'build',
      generateBundle: {
        order: 'post',
        handler(_options, bundle) {
          for (const chunk of Object.values(bundle)) {
            if (chunk.type !== 'chunk') continue;
            if (chunk.isEntry || chunk.name === 'start' || chunk.name === 'store' || /features[\\/]survey[\\/]SurveyScreen\.tsx$/.test(chunk.facadeModuleId ?? '')) chunk.code = `//# allFunctionsCalledOnLoad\n${chunk.code}`;
          }
        },
      },
    },
    // Last: .br and .gz beside every text file, after the service worker is written.
    precompress(),
  ],
  build: {
    target: 'es2022',
    // Every browser that runs an es2022 build knows <link rel="modulepreload">: no polyfill in the
    // first download.
    modulePreload: { polyfill: false },
    sourcemap: false,
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            {
              // What every start needs (React, i18next and the first reads): one file rather than
              // nine, fewer requests and headers on a slow link, and brotli sees it whole. The
              // first group a module matches wins, so this one comes first.
              // With them the survey's zod-free domain code (the household constants, the age
              // helpers, the relevance table): left to itself the bundler puts it in one chunk
              // with the household schema, so the survey's first step would load zod for it (25 KB
              // on the wire). It had a small chunk of its own, which the entry imports (isoWeek):
              // one request more on every start, warm ones too, for 1.5 KB (cold 1× 255 → 218 ms,
              // warm 4× 334 → 312 ms, medians of 11, interleaved, load 5–7).
              name: 'start',
              test: /node_modules[\\/](react|react-dom|scheduler|i18next|react-i18next)[\\/]|src[\\/]app[\\/](storage[\\/](app-store|first-read|meta|drafts-repo|local-date|ward-config)\.ts|security[\\/]lock-state\.ts|demo-ward\.ts)$|seeds[\\/]wards[\\/]10546\.json$|src[\\/]shared[\\/](schema[\\/]household-constants|domain[\\/](age|relevance|phone|text-search|survey-date))\.ts$/,
              priority: 3,
            },
            {
              // The phone's database (Dexie, its schema and the at-rest encryption): one file,
              // not in the first download of a blank phone (src/app/storage/app-store.ts).
              name: 'store',
              test: /node_modules[\\/](dexie|dexie-react-hooks)[\\/]|src[\\/]app[\\/](storage[\\/](app-db|db|live-query)|security[\\/]at-rest)\.ts$/,
              priority: 2,
            },
          ],
        },
      },
    },
  },
});
