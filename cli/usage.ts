import { TSC_DOWNLEVEL_OPTIONS } from './tsc-downlevel.js';

export const TOOL_USAGE = `tsyncio: compile tsyncio coroutines (generator functions) to state machines

Usage:
  tsyncio emit <files…> [options]   transform files; print the JavaScript or write it to --out-dir
  tsyncio compare <file> [options]  each coroutine: its source, tsyncio's output, tsc's ES5 output
  tsyncio <command> --help          the options of a command
  tsyncio --version                 the version

Coroutines are generator functions marked \`/** @coroutine */\`, \`@coroutine\` or \`coroutine(function* …)\`.
`;

export const EMIT_USAGE = `Usage: tsyncio emit <files…> [options]

Transforms each file (tsyncio, then TypeScript's own emit; types are not checked) and prints the
JavaScript to stdout, or writes <out-dir>/<name>.js and <name>.js.map. Diagnostics go to stderr as
file:line:col; the exit status is 1 when one of them is an error.

Options:
  --generators marked|all  marked (default): functions marked @coroutine; all: every generator function
  --out-dir <dir>          write <dir>/<name>.js and <dir>/<name>.js.map instead of printing
  --target <target>        the JavaScript version (TypeScript's names: ES2015 … ESNext; default ES2022)
  --module <kind>          the module format (ESNext (default), CommonJS, NodeNext, …)
  -h, --help               this text
`;

export const COMPARE_USAGE = `Usage: tsyncio compare <file> [options]

For each coroutine of the file, three versions with their sizes: its source, tsyncio's output
(ES2022), and what \`${TSC_DOWNLEVEL_OPTIONS}\` makes of it (the __generator state
machine; the helpers are counted once per file). Side by side when the terminal is wide enough,
else one after another. Then every generator function with what became of it (compiled, declined
and why, not a coroutine) and a summary line. Exit status 1 when the transformer reports an error
(e.g. @coroutine on a function that is not a generator).

Options:
  --generators marked|all  marked (default): functions marked @coroutine; all: every generator function
  --width <columns>        lay out for this width (default: the terminal's, else $COLUMNS, else stacked)
  -h, --help               this text
`;

export function usageOf(command: string | undefined): string {
  if (command === 'emit') return EMIT_USAGE;
  if (command === 'compare') return COMPARE_USAGE;
  return TOOL_USAGE;
}
