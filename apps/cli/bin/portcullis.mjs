#!/usr/bin/env node
// The command as npm links it: this file exists at `npm ci` time (dist/ does not until the build), so
// npm puts `portcullis` in node_modules/.bin; it runs the built command.
await import('../dist/main.js').catch((error) => {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/main.js')) throw error;
  console.error('portcullis is not built yet: run `npm run build` in the repository first.');
  process.exit(1);
});
