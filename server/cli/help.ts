/** The text of `tabgrid --help` and `tabgrid CMD --help`. */
import { GLOBAL_OPTIONS, type Options } from './args.ts';
import type { CommandDef } from './commands.ts';

export function mainHelp(commands: Record<string, CommandDef>): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length));
  return [
    'tabgrid: run jobs on a tabgrid coordinator',
    '',
    'usage: tabgrid COMMAND [options]',
    '',
    'commands:',
    ...Object.entries(commands).map(
      ([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`,
    ),
    '',
    'options for every command:',
    ...optionLines(GLOBAL_OPTIONS),
    '',
    'exit status: 0 ok; 1 an error (server, network, file); 2 bad usage;',
    '3 the job ended with tasks that have no output, or was cancelled;',
    '130 interrupted.',
    '',
    "'tabgrid COMMAND --help' shows a command's options.",
    '',
  ].join('\n');
}

export function commandHelp(command: CommandDef): string {
  const lines = [`usage: ${command.usage}`, '', `${command.summary}.`];
  if (command.details) lines.push('', command.details);
  if (Object.keys(command.options).length > 0)
    lines.push('', 'options:', ...optionLines(command.options));
  lines.push('', 'global options:', ...optionLines(GLOBAL_OPTIONS), '');
  return lines.join('\n');
}

function optionLines(options: Options): string[] {
  const left = Object.entries(options).map(([name, o]) => {
    const short = o.short ? `-${o.short}, ` : '';
    return `  ${short}--${name}${o.value ? ` ${o.value}` : ''}`;
  });
  const width = Math.max(...left.map((l) => l.length));
  return Object.values(options).map(
    (o, i) => `${left[i]!.padEnd(width)}  ${o.doc}`,
  );
}
