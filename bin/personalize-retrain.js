#!/usr/bin/env node
// The AWS SDK warns on every start under Node 20 that its future releases will need Node 22; that is
// for us to track (package.json engines), not for users of each command to read.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = (warning, ...rest) => {
  const text = typeof warning === 'string' ? warning : warning?.name;
  if (
    String(text).includes('NodeVersionSupportWarning') ||
    rest.some((r) => String(r?.type ?? r) === 'NodeVersionSupportWarning')
  )
    return;
  emitWarning(warning, ...rest);
};
const { runCli } = await import('../dist/src/cli/main.js');
await runCli(process.argv);
