#!/usr/bin/env node
// Under Node 20 the AWS SDK warns at every start that its future releases need Node 22. That is for
// this project to track (package.json engines), not for each command's user to read.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('../dist/src/cli/main.js');
await runCli(process.argv);
