#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { AdminClient, EXIT, printFailure, runApply, runDiff, runExport, type Output } from './commands.js';

const USAGE = `Usage: portcullis <command> DIR [options]

Commands:
  export DIR                     write every API, policy, catalogue entry and DCR provider as YAML files
  diff DIR [--prune]             show what apply would change (exit 0: nothing, 2: changes pending, 1: error)
  apply DIR [--prune] [--dry-run]  make the registry match DIR, all or nothing

Options:
  --url URL            the registry's admin URL (or PORTCULLIS_ADMIN_URL; default http://localhost:3001)
  --admin-secret S     the admin secret (or ADMIN_SECRET)
  --prune              delete what is stored but not in DIR (apply refuses such a set without it)
  --dry-run            plan only, change nothing
  -h, --help           this text`;

const output: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        url: { type: 'string' },
        'admin-secret': { type: 'string' },
        prune: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    output.err(`error: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT.error;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    output.out(USAGE);
    return EXIT.ok;
  }
  const [command, dir, ...extra] = positionals;
  if (!command || !['export', 'diff', 'apply'].includes(command) || !dir || extra.length > 0) {
    output.err(
      `error: ${!command ? 'no command' : !['export', 'diff', 'apply'].includes(command) ? `unknown command ${JSON.stringify(command)}` : !dir ? 'DIR is required' : `unexpected ${extra.join(' ')}`}\n\n${USAGE}`,
    );
    return EXIT.error;
  }
  const secret = values['admin-secret'] ?? env.ADMIN_SECRET;
  if (!secret) {
    output.err('error: no admin secret: pass --admin-secret or set ADMIN_SECRET');
    return EXIT.error;
  }
  const client = new AdminClient(values.url ?? env.PORTCULLIS_ADMIN_URL ?? 'http://localhost:3001', secret);
  try {
    if (command === 'export') return await runExport(client, dir, output);
    if (command === 'diff') return await runDiff(client, dir, env, values.prune, output);
    return await runApply(client, dir, env, { prune: values.prune, dryRun: values['dry-run'] }, output);
  } catch (error) {
    return printFailure(error, output);
  }
}

process.exitCode = await main(process.argv.slice(2), process.env);
