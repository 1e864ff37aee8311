import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { routeBudget } from './build/route-budget.plugin.ts';

// Static files only: the edge serves dist/index.html for the client's routes and dist/assets/*
// (content-hashed names) as immutable.
export default defineConfig({
  plugins: [preact(), routeBudget({ route: '/watch/:id', page: 'src/watch/watch.page.tsx', maxGzipBytes: 300_000 })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Fonts and images stay files: the edge's CSP allows data: URLs for images only.
    assetsInlineLimit: 0,
    target: 'es2022',
    rolldownOptions: {
      output: {
        // mediasoup-client and its dependencies in one chunk of their own, shared by go live and
        // watch, and named for what it is (the bundler would name it after some app module). The
        // map's packages (d3-*, topojson-client, world-atlas) stay in the map's own chunk: in
        // this group, the watch route would load them first. hls.js stays in the replay page's chunk
        // the same way.
        codeSplitting: {
          groups: [{ name: 'mediasoup-client', test: /[\\/]node_modules[\\/](?!preact[\\/]|@preact[\\/]|d3-[^\\/]+[\\/]|topojson-client[\\/]|world-atlas[\\/]|hls\.js[\\/])/ }],
        },
        // Pages and groups keep their names; a chunk of app modules several pages share is "shared".
        chunkFileNames: (chunk) => (chunk.facadeModuleId || chunk.name === 'mediasoup-client' ? 'assets/[name]-[hash].js' : 'assets/shared-[hash].js'),
      },
    },
  },
});
