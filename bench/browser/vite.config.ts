// Builds the storage bench page (bench/browser) with the app's real storage modules, into
// dist-bench/, which the bench driver serves on the app's origin under /bench/.
import { defineConfig } from 'vite';
import path from 'node:path';

export default defineConfig({
  root: path.resolve(import.meta.dirname),
  base: '/bench/',
  logLevel: 'warn',
  build: { outDir: path.resolve(import.meta.dirname, '../../dist-bench'), emptyOutDir: true, target: 'es2022' },
});
