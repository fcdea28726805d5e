/** `tabgrid keys create NAME | list | revoke ID`: requester keys (admin key needed). */
import { UsageError } from './args.ts';
import { EXIT, type Context } from './context.ts';
import { formatTable } from './output.ts';

export async function keysCommand(ctx: Context): Promise<number> {
  const [action, ...rest] = ctx.positionals;
  const sub = {
    ...ctx,
    positionals: rest,
    command: `keys ${action ?? ''}`.trim(),
  };
  if (action === 'create') return create(sub);
  if (action === 'list') return list(sub);
  if (action === 'revoke') return revoke(sub);
  throw new UsageError(
    action === undefined
      ? "'tabgrid keys' needs create NAME, list or revoke ID"
      : `unknown 'tabgrid keys' action '${action}'; use create, list or revoke`,
    'keys',
  );
}

async function create(ctx: Context): Promise<number> {
  const name = only(ctx, 'NAME');
  const key = await ctx.client.keys.create(name);
  // The secret alone on stdout, so that KEY=$(tabgrid keys create x) works.
  await ctx.stdout.write(`${key.key}\n`);
  ctx.stderr.write(
    `tabgrid: created requester key ${key.id} (${key.name}); the secret above is not shown again\n`,
  );
  return EXIT.ok;
}

async function list(ctx: Context): Promise<number> {
  if (ctx.positionals.length > 0)
    throw new UsageError(`'tabgrid keys list' takes no arguments`, 'keys');
  const keys = await ctx.client.keys.list();
  if (ctx.values.json === true) {
    await ctx.stdout.write(JSON.stringify(keys, null, 2) + '\n');
    return EXIT.ok;
  }
  const when = (ms: number | null) =>
    ms === null ? '-' : new Date(ms).toISOString();
  const rows = keys.map((k) => [
    k.id,
    k.role,
    when(k.createdAt),
    when(k.revokedAt),
    k.name,
  ]);
  await ctx.stdout.write(
    formatTable([['ID', 'ROLE', 'CREATED', 'REVOKED', 'NAME'], ...rows]),
  );
  return EXIT.ok;
}

async function revoke(ctx: Context): Promise<number> {
  const id = only(ctx, 'ID');
  await ctx.client.keys.revoke(id);
  await ctx.stdout.write(`${id} revoked\n`);
  return EXIT.ok;
}

function only(ctx: Context, name: string): string {
  if (ctx.positionals.length !== 1)
    throw new UsageError(
      `'tabgrid ${ctx.command}' needs exactly one ${name}, got ${ctx.positionals.length}`,
      'keys',
    );
  return ctx.positionals[0]!;
}
