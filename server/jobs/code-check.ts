/**
 * Checks job code without running it: it must parse as an ES module and have
 * a default export. The server never evaluates requester code.
 */
import { parse, type Node } from 'acorn';
import { TabgridError } from '../../shared/errors.ts';

export function checkJobCode(code: string): { hasReduce: boolean } {
  let program: Node & { body: Node[] };
  try {
    program = parse(code, {
      ecmaVersion: 'latest',
      sourceType: 'module',
      locations: true,
    }) as Node & { body: Node[] };
  } catch (err) {
    const e = err as SyntaxError & { loc?: { line: number; column: number } };
    const line = e.loc?.line;
    const column = e.loc ? e.loc.column + 1 : undefined;
    const reason = e.message.replace(/\s*\(\d+:\d+\)$/, '');
    throw new TabgridError(
      'BAD_CODE',
      `code: does not parse as an ES module: ${reason} at line ${line}, column ${column}`,
      {
        field: 'code',
        ...(line ? { line } : {}),
        ...(column ? { column } : {}),
      },
    );
  }
  const exported = exportedNames(program.body);
  if (!exported.has('default')) {
    throw new TabgridError(
      'BAD_CODE',
      'code: has no default export; expected `export default async (input, ctx) => output`',
      { field: 'code' },
    );
  }
  return { hasReduce: exported.has('reduce') };
}

interface ExportNode extends Node {
  declaration?:
    | (Node & {
        id?: { name: string };
        declarations?: { id: { name?: string } }[];
      })
    | null;
  specifiers?: { exported: { name?: string; value?: string } }[];
}

function exportedNames(body: Node[]): Set<string> {
  const names = new Set<string>();
  for (const node of body as ExportNode[]) {
    if (node.type === 'ExportDefaultDeclaration') names.add('default');
    if (node.type !== 'ExportNamedDeclaration') continue;
    const decl = node.declaration;
    if (decl?.id?.name) names.add(decl.id.name);
    for (const d of decl?.declarations ?? [])
      if (d.id.name) names.add(d.id.name);
    for (const s of node.specifiers ?? [])
      names.add(s.exported.name ?? s.exported.value ?? '');
  }
  return names;
}
